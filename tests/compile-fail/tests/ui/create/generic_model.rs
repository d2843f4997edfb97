// `create` on a generic model is refused, not half-supported.
use safe_update::SafeUpdate;

#[derive(SafeUpdate)]
#[update(create)]
pub struct Tagged<T> {
    #[update(allow)]
    pub tag: T,
}

fn main() {}
