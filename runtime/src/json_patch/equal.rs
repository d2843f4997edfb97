//! JSON equality as RFC 6902 section 4.6 defines it, for `test`.

use serde_json::{Number, Value};

/// JSON equality as RFC 6902 section 4.6 defines it: numbers by their value (`1` is `1.0`),
/// objects by their members whatever their order, arrays element by element.
pub(super) fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => numbers_equal(a, b),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(name, a)| b.get(name).is_some_and(|b| json_equal(a, b)))
        }
        _ => a == b,
    }
}

/// Two numbers compared by value, exactly: integers as integers, an integer and a float by
/// whether the float is that integer.
fn numbers_equal(a: &Number, b: &Number) -> bool {
    fn integer(number: &Number) -> Option<i128> {
        number
            .as_i64()
            .map(i128::from)
            .or_else(|| number.as_u64().map(i128::from))
    }
    fn float_is(float: Option<f64>, integer: i128) -> bool {
        // Every integer serde_json holds (up to 2^64) is below 2^100: a float beyond is not one.
        float.is_some_and(|float| {
            float.fract() == 0.0 && float.abs() < 1e30 && float as i128 == integer
        })
    }
    match (integer(a), integer(b)) {
        (Some(a), Some(b)) => a == b,
        (Some(a), None) => float_is(b.as_f64(), a),
        (None, Some(b)) => float_is(a.as_f64(), b),
        (None, None) => a.as_f64() == b.as_f64(),
    }
}
