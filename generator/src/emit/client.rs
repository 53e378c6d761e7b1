//! `client.rs` of an API module: a `Client` with one async method per operation.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{gates, ident, op_docs, ty_tokens};
use crate::ir::types::Ty;
use crate::ir::{ApiIr, Auth, BodyIr, Headers, OperationIr, ParamIr, QueryEncoding, ResponseType};
use crate::routes::Segment;

pub fn emit(api: &ApiIr) -> TokenStream {
    let imports_lint = gates::imports_of_areas(api);
    let methods = api.areas.iter().flat_map(|area| {
        let gate = gates::area(area);
        area.operations
            .iter()
            .map(move |op| method(op, api.negotiates, &gate))
    });
    let encodes = api
        .areas
        .iter()
        .flat_map(|a| &a.operations)
        .any(|op| !op.path_params.is_empty())
        .then(|| quote!(encode_path,));
    let doc = format!(
        " A client for the `{}` API: one method per operation, over a shared [`runtime::client::Client`](crate::runtime::client::Client).",
        api.module
    );
    let types = api.operations_use_types().then(|| {
        quote!(
            use super::types;
        )
    });
    let negotiation = api.negotiates.then(|| {
        quote! {
            /// Takes the versions the server speaks instead of asking its
            /// `/versions` (see the runtime's client).
            pub fn with_versions(self, versions: impl IntoIterator<Item = impl Into<String>>) -> Self {
                Client { inner: self.inner.with_versions(versions) }
            }

            /// Sends an operation none of the server's versions has anyway, on
            /// its newest path.
            pub fn with_unchecked_versions(self, unchecked: bool) -> Self {
                Client { inner: self.inner.with_unchecked_versions(unchecked) }
            }
        }
    });
    let builders = builders();
    quote! {
        //! The client side: [`Client`] has one method per operation.
        #imports_lint

        #types
        use crate::runtime::client::{#encodes AuthMode, Call, Error, RetryPolicy};

        #[doc = #doc]
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: crate::runtime::client::Client,
        }

        impl From<crate::runtime::client::Client> for Client {
            fn from(inner: crate::runtime::client::Client) -> Self {
                Client { inner }
            }
        }

        impl Client {
            #builders

            #negotiation

            #(#methods)*
        }
    }
}

/// `Client`'s constructor and settings, the same in every API module.
fn builders() -> TokenStream {
    quote! {
        /// A client for the homeserver at `base_url` (`https://matrix.example.org`).
        pub fn new(base_url: impl Into<String>) -> Self {
            Client { inner: crate::runtime::client::Client::new(base_url) }
        }

        /// Uses a configured `reqwest::Client` (timeouts, proxies, TLS).
        pub fn with_http_client(self, http: reqwest::Client) -> Self {
            Client { inner: self.inner.with_http_client(http) }
        }

        pub fn with_access_token(self, token: impl Into<String>) -> Self {
            Client { inner: self.inner.with_access_token(token) }
        }

        pub fn set_access_token(&mut self, token: Option<String>) {
            self.inner.set_access_token(token);
        }

        pub fn access_token(&self) -> Option<&str> {
            self.inner.access_token()
        }

        /// Whether the token also goes with operations whose spec declares no
        /// security (on by default; see the runtime's client).
        pub fn with_token_on_open_calls(self, send: bool) -> Self {
            Client { inner: self.inner.with_token_on_open_calls(send) }
        }

        /// Acts as `user_id` on every call, as an application service does
        /// (see the runtime's client).
        pub fn with_asserted_user(self, user_id: impl Into<String>) -> Self {
            Client { inner: self.inner.with_asserted_user(user_id) }
        }

        /// Retries calls answered with 429 `M_LIMIT_EXCEEDED`, as the server asks.
        pub fn with_retry(self, policy: RetryPolicy) -> Self {
            Client { inner: self.inner.with_retry(policy) }
        }

        /// The shared client, to call another API module's operations with it.
        pub fn runtime(&self) -> &crate::runtime::client::Client {
            &self.inner
        }
    }
}

/// How a parameter is taken: strings by reference, numbers by value.
fn param_ty(ty: &Ty, scope: &TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote!(&str),
        Ty::Integer | Ty::Number | Ty::Bool => ty_tokens(ty, scope),
        Ty::Vec(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(&[#inner])
        }
        other => {
            let ty = ty_tokens(other, scope);
            quote!(&#ty)
        }
    }
}

/// One operation's method; with `negotiated`, its path is the one of the
/// newest release the server speaks.
fn method(op: &OperationIr, negotiated: bool, gate: &TokenStream) -> TokenStream {
    let name = ident(&op.fn_name);
    let route = format!("`{} {}`", op.method.to_uppercase(), op.path);
    let doc = op_docs(op.summary.as_deref(), op.description.as_deref(), &route);
    let params = params(op);
    let path = path(op, negotiated);
    let method = ident(&op.method.to_uppercase());
    let auth = match op.auth {
        Auth::None => quote!(AuthMode::None),
        Auth::Optional { in_query } => quote!(AuthMode::Optional { in_query: #in_query }),
        Auth::Required { in_query } => quote!(AuthMode::Required { in_query: #in_query }),
    };
    let query = op.query_params.iter().map(add_query_param);
    let body = op.body.as_ref().map(add_body);
    let response_ty = ty_tokens(&op.response_type.rust_ty(), &quote!(types::));
    let arms = response_arms(op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #doc
        #gate
        #deprecated
        pub async fn #name(&self, #(#params),*) -> Result<#response_ty, Error> {
            let path = #path;
            let call = Call::new(reqwest::Method::#method, path, #auth);
            #(#query)*
            #body
            let response = self.inner.send(call).await?;
            match response.status {
                #arms
                _ => Err(response.unexpected()),
            }
        }
    }
}

/// The method's parameters after `&self`: path parameters, the query, the body.
fn params(op: &OperationIr) -> Vec<TokenStream> {
    let scope = quote!(types::);
    let mut params = Vec::new();
    // A path parameter the body's content gives (its event type) is not asked for.
    for p in op
        .path_params
        .iter()
        .filter(|p| !op.param_from_content(&p.wire))
    {
        let field = ident(&p.ident);
        let ty = param_ty(&p.ty, &scope);
        params.push(quote!(#field: #ty));
    }
    if let Some(query) = &op.query_type {
        let query = ident(query);
        params.push(quote!(query: &types::#query));
    }
    if let Some(body) = &op.body {
        let ty = param_ty(&body.ty, &scope);
        params.push(quote!(body: #ty));
    }
    params
}

/// The expression of the request's path: negotiated with the server, or
/// the one path filled in.
fn path(op: &OperationIr, negotiated: bool) -> TokenStream {
    let (template, args, wires) = format_path(op);
    if negotiated {
        let operation = ident(&op.const_name);
        quote!(self.inner.path(&super::metadata::#operation, &[#((#wires, #args)),*]).await?)
    } else if args.is_empty() {
        quote!(#template.to_owned())
    } else {
        quote!(format!(#template #(, #args)*))
    }
}

/// The statement adding one query parameter to the call, as it is encoded.
fn add_query_param(p: &ParamIr) -> TokenStream {
    let field = ident(&p.ident);
    let wire = &p.wire;
    let value = match p.required {
        true => quote!(Some(&query.#field)),
        false => quote!(query.#field.as_ref()),
    };
    if p.encoding == QueryEncoding::IdOrJson {
        quote!(let call = call.query_id_or_json(#wire, #value)?;)
    } else if p.is_json() {
        quote!(let call = call.query_json(#wire, #value)?;)
    } else if p.open_ended {
        quote!(let call = call.query_map(&query.#field);)
    } else if p.repeated {
        quote!(let call = call.query_all(#wire, &query.#field);)
    } else if p.required && matches!(p.ty, Ty::Integer | Ty::Number | Ty::Bool) {
        quote!(let call = call.query(#wire, query.#field);)
    } else if p.required {
        quote!(let call = call.query(#wire, &query.#field);)
    } else {
        quote!(let call = call.query_opt(#wire, query.#field.as_ref());)
    }
}

/// The statement putting the body into the call.
fn add_body(body: &BodyIr) -> TokenStream {
    if body.binary {
        quote!(let call = call.binary(body);)
    } else if body.ty == Ty::EventContentBody {
        // The content alone: its type went into the path.
        quote!(let call = call.json(&body.content())?;)
    } else if matches!(body.ty, Ty::Integer | Ty::Number | Ty::Bool) {
        // Taken by value (see `param_ty`), serialized by reference.
        quote!(let call = call.json(&body)?;)
    } else {
        quote!(let call = call.json(body)?;)
    }
}

/// The arms of the match on the answer's status, one per declared response.
fn response_arms(op: &OperationIr) -> TokenStream {
    match &op.response_type {
        ResponseType::Single {
            status,
            ty,
            binary,
            headers: Some(headers),
        } => {
            let (body, answer) = with_headers(ty, *binary, headers);
            let status = Literal::u16_unsuffixed(*status);
            quote!(#status => { #body Ok(#answer) })
        }
        ResponseType::Single {
            status, ty, binary, ..
        } => {
            let value = match (ty, &op.content_type) {
                // Read as the type that was asked for.
                (Ty::EventContentBody, Some(content_type)) => {
                    let event_type = ident(&content_type.ident);
                    quote!(response.json().map(|content| {
                        crate::events::EventContent::from_parts(#event_type.to_owned(), content)
                    }))
                }
                _ => read_body(ty, *binary),
            };
            let status = Literal::u16_unsuffixed(*status);
            quote!(#status => #value,)
        }
        ResponseType::Enum { name, variants } => {
            let name = ident(name);
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.name);
                let value = read_body(&v.ty, v.binary);
                let status = Literal::u16_unsuffixed(v.status);
                if let Some(headers) = &v.headers {
                    let (body, answer) = with_headers(&v.ty, v.binary, headers);
                    return quote!(#status => {
                        #body
                        Ok(types::#name::#variant(Box::new(#answer)))
                    });
                }
                match v.ty {
                    Ty::Unit => quote!(#status => Ok(types::#name::#variant),),
                    Ty::Named(_) => {
                        quote!(#status => Ok(types::#name::#variant(Box::new(#value?))),)
                    }
                    _ => quote!(#status => Ok(types::#name::#variant(#value?)),),
                }
            });
            quote!(#(#arms)*)
        }
    }
}

/// Reads an answer with declared headers: the statement reading its body
/// (none for an empty one) and the expression of the answer struct.
fn with_headers(ty: &Ty, binary: bool, headers: &Headers) -> (TokenStream, TokenStream) {
    let name = ident(&headers.name);
    let body = match ty {
        Ty::Unit => None,
        _ if binary => Some(quote!(let body = response.binary();)),
        _ => Some(quote!(let body = response.json()?;)),
    };
    let body_field = body.is_some().then(|| quote!(body,));
    let fields = headers.fields.iter().map(|h| {
        let field = ident(&h.ident);
        let wire = &h.wire;
        if h.required {
            quote!(#field: response.required_header(#wire)?,)
        } else {
            quote!(#field: response.header(#wire),)
        }
    });
    (
        body.unwrap_or_default(),
        quote!(types::#name { #body_field #(#fields)* }),
    )
}

fn read_body(ty: &Ty, binary: bool) -> TokenStream {
    match ty {
        Ty::Unit => quote!(Ok(())),
        _ if binary => quote!(Ok(response.binary())),
        _ => quote!(response.json()),
    }
}

/// The path as a `format!` template with each parameter percent-encoded.
/// The path as a `format!` template, the encoded arguments that fill it, and
/// the name of the parameter each fills.
fn format_path(op: &OperationIr) -> (String, Vec<TokenStream>, Vec<String>) {
    // Templates were checked by `crate::routes` when the spec was read: each
    // parameter is a whole segment and declared, so the last arm never runs.
    let Ok(segments) = crate::routes::parse(&op.path) else {
        return (op.path.clone(), Vec::new(), Vec::new());
    };
    let mut template = String::new();
    let mut args = Vec::new();
    let mut wires = Vec::new();
    for segment in segments {
        template.push('/');
        let wire = match segment {
            Segment::Literal(text) => {
                template.push_str(&text);
                continue;
            }
            Segment::Param(wire) => wire,
        };
        template.push_str("{}");
        wires.push(wire.clone());
        args.push(match op.path_params.iter().find(|p| p.wire == wire) {
            Some(p) if op.param_from_content(&p.wire) => quote!(encode_path(body.event_type())),
            Some(p) if p.ty == Ty::String => {
                let field = ident(&p.ident);
                quote!(encode_path(#field))
            }
            Some(p) if matches!(p.ty, Ty::Id(_)) => {
                let field = ident(&p.ident);
                quote!(encode_path(#field.as_str()))
            }
            Some(p) => {
                let field = ident(&p.ident);
                quote!(encode_path(&#field.to_string()))
            }
            None => {
                let message = format!("the path parameter `{wire}` is not declared");
                quote!(compile_error!(#message))
            }
        });
    }
    (template, args, wires)
}
