//! Lists from the command line, leaked so that a `ServerPolicy<'static>` can borrow them for
//! the life of an example program.

/// Leaks `names` and the list of them.
pub fn leak_list(names: Vec<String>) -> &'static [&'static str] {
    Vec::leak(names.into_iter().map(|name| &*String::leak(name)).collect())
}
