// PostgreSQL store URLs: recognising them and keeping their password out of messages.
// libpq parses the URL itself (host, port, database, user, sslmode, ...); nothing here does
// more than find the password.
#pragma once

#include <string>
#include <string_view>

namespace lifeboat::store {

//! True for `postgresql://...` and `postgres://...` (the two schemes libpq accepts).
bool is_postgres_url(std::string_view url);

//! `url` with any password replaced by `***`: the one in the user info
//! (`postgresql://user:secret@host/db`) and a `password=` query parameter. Every message
//! and url() of the PostgreSQL store uses this form.
std::string mask_postgres_password(std::string_view url);

//! `message` with every occurrence of a password of `url` replaced by `***`, for text
//! that libpq composed from the URL (e.g. a parse error quoting part of it).
std::string hide_postgres_password(std::string message, std::string_view url);

}  // namespace lifeboat::store
