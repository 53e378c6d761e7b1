//! Accounts and access tokens.

use matrix_api::runtime::ids::UserId;
use matrix_api::runtime::MatrixError;

use crate::rooms::Homeserver;

#[derive(Debug)]
pub(crate) struct User {
    password: Option<String>,
}

impl Homeserver {
    /// A full user id for `name`, which may be a local part or already a user id.
    pub fn user_id(&self, name: &str) -> String {
        if name.starts_with('@') {
            name.to_owned()
        } else {
            format!("@{name}:{}", self.server_name)
        }
    }

    /// Creates an account; returns its user id and, unless `inhibit_login`, a token.
    pub fn register(
        &mut self,
        local_part: Option<&str>,
        password: Option<&str>,
        inhibit_login: bool,
    ) -> Result<(String, Option<String>), MatrixError> {
        let local_part = match local_part {
            Some(name) => name.to_owned(),
            None => self.next('u')[1..7].to_owned(),
        };
        let valid = !local_part.is_empty()
            && local_part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._=-/".contains(c));
        if !valid {
            return Err(MatrixError::new(
                400,
                "M_INVALID_USERNAME",
                "User ID can only contain characters a-z, 0-9, or '._=-/'",
            ));
        }
        let user_id = self.user_id(&local_part);
        // Events name their sender by a validated user id, so an account
        // whose id breaks the grammar (over 255 bytes) could never send one.
        if let Err(e) = user_id.parse::<UserId>() {
            return Err(MatrixError::new(400, "M_INVALID_USERNAME", e.to_string()));
        }
        if self.users.contains_key(&user_id) {
            return Err(MatrixError::new(
                400,
                "M_USER_IN_USE",
                "User ID already taken.",
            ));
        }
        self.users.insert(
            user_id.clone(),
            User {
                password: password.map(str::to_owned),
            },
        );
        let token = match inhibit_login {
            true => None,
            false => Some(self.issue_token(&user_id)?),
        };
        Ok((user_id, token))
    }

    pub fn login(&mut self, user: &str, password: &str) -> Result<(String, String), MatrixError> {
        let user_id = self.user_id(user);
        let matches = self
            .users
            .get(&user_id)
            .is_some_and(|u| u.password.as_deref() == Some(password));
        if !matches {
            return Err(MatrixError::forbidden("Invalid username or password"));
        }
        let token = self.issue_token(&user_id)?;
        Ok((user_id, token))
    }

    /// A fresh access token: 160 bits from the operating system's CSPRNG, so
    /// that tokens cannot be guessed from one another, and never one that is
    /// live already (a collision is astronomically unlikely, but checking is
    /// cheap). Without randomness no token is issued at all.
    fn issue_token(&mut self, user_id: &str) -> Result<String, MatrixError> {
        loop {
            let mut bytes = [0u8; 20];
            getrandom::fill(&mut bytes).map_err(|e| {
                MatrixError::new(500, "M_UNKNOWN", format!("No randomness for a token: {e}"))
            })?;
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let token = format!("syt_{hex}");
            if !self.tokens.contains_key(&token) {
                self.tokens.insert(token.clone(), user_id.to_owned());
                return Ok(token);
            }
        }
    }

    /// How many tokens are live.
    pub fn token_count(&self) -> usize {
        self.tokens.len()
    }

    /// The user a token belongs to: 401 `M_UNKNOWN_TOKEN` for an unknown one.
    pub fn authenticate(&self, token: Option<&str>) -> Result<String, MatrixError> {
        let token = token.ok_or_else(MatrixError::missing_token)?;
        self.tokens
            .get(token)
            .cloned()
            .ok_or_else(MatrixError::unknown_token)
    }
}
