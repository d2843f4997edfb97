//! actix-web 4 adapters: the authenticated identity and patch bodies as extractors.
