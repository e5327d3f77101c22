//! Who is asking, and what they may do: sessions (cookie → database), CSRF tokens on
//! every form, and the access policy checked for every route from the route table.

pub mod csrf;
pub mod policy;
pub mod session;

pub use motcua_app::access::Actor;
pub use policy::Access;
pub use session::CurrentSession;
