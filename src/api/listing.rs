//! Reading a listing page by page when the server cannot be trusted to page
//! well: each item once, by id, and an end where a page brings nothing new
//! (a server, such as an OpenAPI mock, that answers every page alike).

use std::collections::HashSet;

/// The ids of a listing's items read so far.
#[derive(Debug, Default)]
pub struct SeenIds(HashSet<String>);

impl SeenIds {
    /// These ids, seen.
    pub fn of<'a>(ids: impl IntoIterator<Item = &'a str>) -> Self {
        Self(ids.into_iter().map(str::to_owned).collect())
    }

    /// The items of `page` not seen before, now seen; `None` when the page
    /// holds items and every one was seen before: the listing repeats, and
    /// the pages after it would too.
    pub fn fresh<T>(&mut self, page: Vec<T>, id: impl Fn(&T) -> &str) -> Option<Vec<T>> {
        let had_items = !page.is_empty();
        let fresh: Vec<T> = page
            .into_iter()
            .filter(|item| self.0.insert(id(item).to_owned()))
            .collect();
        if fresh.is_empty() && had_items {
            None
        } else {
            Some(fresh)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_known_items_ends_the_listing_and_duplicates_go() {
        let mut seen = SeenIds::default();
        fn id(s: &String) -> &str {
            s
        }
        let page = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            seen.fresh(page(&["a", "b", "a"]), id),
            Some(page(&["a", "b"]))
        );
        assert_eq!(seen.fresh(page(&["b", "c"]), id), Some(page(&["c"])));
        assert_eq!(seen.fresh(page(&["a", "b"]), id), None);
        assert_eq!(seen.fresh(Vec::new(), id), Some(Vec::new()));
    }
}
