//! Runs the reference membership server: `membership-server [ADDR] [SERVER_NAME]`
//! (defaults `127.0.0.1:8008` and `localhost`).

use std::net::SocketAddr;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr: SocketAddr = args
        .next()
        .unwrap_or_else(|| "127.0.0.1:8008".to_owned())
        .parse()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let server_name = args.next().unwrap_or_else(|| "localhost".to_owned());
    // Every user, room and event id ends with the server name: a name that
    // breaks the grammar would make none of them valid.
    server_name
        .parse::<matrix_api::runtime::ids::ServerName>()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let server = membership_server::MembershipServer::new(&server_name);
    let (bound, task) = server.serve(addr).await?;
    // Tests read this line to learn the port.
    println!("listening on http://{bound}");
    tokio::select! {
        _ = task => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}
