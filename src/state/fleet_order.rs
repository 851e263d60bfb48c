//! The rows a fleet page shows, kept in their sort order as rows come:
//! indices into the scan's rows in short sorted blocks, so taking in a row
//! costs a binary search and a short shift, never a pass over every row,
//! and the rows on screen are read from where the table starts. Blocks are
//! shared between copies until one of them changes (copy on write), so the
//! shown order of a new sort is a copy of the kept one at the cost of a
//! pointer per block. Each index carries a tag byte beside it (the row's
//! quick-filter answers), so a quick filter reads the tags in order, not the
//! rows all over memory.

use std::sync::Arc;

/// The most indices a block holds before it is split in two.
const BLOCK_MOST: usize = 1024;
/// How full the blocks of a sorted list are made at first.
const BLOCK_FIRST: usize = BLOCK_MOST / 2;

/// Row indices in a sort order the caller's comparisons define.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShownOrder {
    /// Sorted blocks, none of them empty; their concatenation is the order.
    blocks: Vec<Arc<Block>>,
    /// How many indices in all.
    len: usize,
    /// Comparisons and blocks stepped over since this order was made: what
    /// a test counts to show the work per row does not grow with the rows.
    work: u64,
}

/// Indices and their tags, side by side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Block {
    rows: Vec<u32>,
    tags: Vec<u8>,
}

impl Block {
    fn with_capacity(n: usize) -> Self {
        Self {
            rows: Vec::with_capacity(n),
            tags: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, row: u32, tag: u8) {
        self.rows.push(row);
        self.tags.push(tag);
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Builds an order block by block from indices already in order.
struct Builder {
    order: ShownOrder,
    block: Block,
}

impl Builder {
    fn new() -> Self {
        Self {
            order: ShownOrder::default(),
            block: Block::with_capacity(BLOCK_FIRST),
        }
    }

    fn push(&mut self, row: u32, tag: u8) {
        self.block.push(row, tag);
        if self.block.len() == BLOCK_FIRST {
            let full = std::mem::replace(&mut self.block, Block::with_capacity(BLOCK_FIRST));
            self.order.len += full.len();
            self.order.blocks.push(Arc::new(full));
        }
    }

    fn done(mut self) -> ShownOrder {
        if !self.block.is_empty() {
            self.order.len += self.block.len();
            self.order.blocks.push(Arc::new(self.block));
        }
        self.order
    }
}

impl ShownOrder {
    /// The order of `sorted`, already in order, every tag 0.
    pub fn from_sorted(sorted: &[usize]) -> Self {
        Self::from_sorted_tagged(sorted.iter().map(|&i| (i, 0)))
    }

    /// The order of the `(index, tag)`s `sorted` yields, already in order.
    pub fn from_sorted_tagged(sorted: impl Iterator<Item = (usize, u8)>) -> Self {
        let mut builder = Builder::new();
        for (i, tag) in sorted {
            builder.push(index(i), tag);
        }
        builder.done()
    }

    /// The indices `keep(index, tag)` says yes to, in this order, with their
    /// tags: one tight pass over the blocks, a block of the result for each
    /// block kept from (none for a block nothing is kept from).
    pub fn filtered(&self, mut keep: impl FnMut(usize, u8) -> bool) -> Self {
        let mut order = Self::default();
        for block in &self.blocks {
            let mut out = Block::with_capacity(block.len());
            for (&i, &tag) in block.rows.iter().zip(&block.tags) {
                if keep(i as usize, tag) {
                    out.rows.push(i);
                    out.tags.push(tag);
                }
            }
            if !out.is_empty() {
                order.len += out.len();
                order.blocks.push(Arc::new(out));
            }
        }
        order
    }

    /// The indices whose tag has every bit of `mask`: a pass over the tags
    /// alone, in order (no row is read).
    pub fn with_tag(&self, mask: u8) -> Self {
        self.filtered(|_, tag| tag & mask == mask)
    }

    /// How many rows are shown.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no row is shown.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Comparisons and block steps made so far.
    pub fn work(&self) -> u64 {
        self.work
    }

    /// The row index at `position`.
    pub fn get(&self, position: usize) -> Option<usize> {
        self.iter_from(position).next()
    }

    /// The row indices from `position` on, in order.
    pub fn iter_from(&self, position: usize) -> impl Iterator<Item = usize> + '_ {
        let mut skip = position;
        let mut first = self.blocks.len();
        for (b, block) in self.blocks.iter().enumerate() {
            if skip < block.len() {
                first = b;
                break;
            }
            skip -= block.len();
        }
        let head = self
            .blocks
            .get(first)
            .map_or(&[][..], |block| &block.rows[skip..]);
        let rest = self.blocks.get(first + 1..).unwrap_or_default();
        head.iter()
            .chain(rest.iter().flat_map(|block| block.rows.iter()))
            .map(|&i| i as usize)
    }

    /// Every row index, in order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.iter_from(0)
    }

    /// Where `row` belongs: its block and its place in that block.
    /// `before(i)` says whether index `i` sorts before `row`.
    fn locate(&mut self, row: usize, mut before: impl FnMut(usize) -> bool) -> (usize, usize) {
        let mut work = 0;
        let mut before = |i: u32| {
            work += 1;
            i as usize != row && before(i as usize)
        };
        let block = self
            .blocks
            .partition_point(|b| b.rows.last().is_some_and(|&last| before(last)));
        let block = block.min(self.blocks.len().saturating_sub(1));
        let at = self
            .blocks
            .get(block)
            .map_or(0, |b| b.rows.partition_point(|&i| before(i)));
        self.work += work;
        (block, at)
    }

    /// Puts `row` with its `tag` in its place; `before(i)` says whether row
    /// `i` sorts before it (no two rows sort equal).
    pub fn insert(&mut self, row: usize, tag: u8, before: impl FnMut(usize) -> bool) {
        let (block, at) = self.locate(row, before);
        let Some(target) = self.blocks.get_mut(block) else {
            let mut first = Block::with_capacity(1);
            first.push(index(row), tag);
            self.blocks.push(Arc::new(first));
            self.len += 1;
            return;
        };
        let target = Arc::make_mut(target);
        target.rows.insert(at, index(row));
        target.tags.insert(at, tag);
        self.len += 1;
        if target.len() > BLOCK_MOST {
            let half = target.len() / 2;
            let back = Block {
                rows: target.rows.split_off(half),
                tags: target.tags.split_off(half),
            };
            self.blocks.insert(block + 1, Arc::new(back));
        }
    }

    /// Takes `row` out if it is shown; `before(i)` compares with the row as
    /// it was sorted in. Returns whether it was there.
    pub fn remove(&mut self, row: usize, before: impl FnMut(usize) -> bool) -> bool {
        let (block, at) = self.locate(row, before);
        let Some(target) = self.blocks.get_mut(block) else {
            return false;
        };
        if target.rows.get(at).is_none_or(|&i| i as usize != row) {
            return false;
        }
        let target = Arc::make_mut(target);
        target.rows.remove(at);
        target.tags.remove(at);
        self.len -= 1;
        if target.is_empty() {
            self.blocks.remove(block);
        }
        true
    }

    /// Where `row` is shown, if it is; `before` as for [`ShownOrder::insert`].
    pub fn position(&mut self, row: usize, before: impl FnMut(usize) -> bool) -> Option<usize> {
        let (block, at) = self.locate(row, before);
        let found = self.blocks.get(block)?.rows.get(at)?;
        if *found as usize != row {
            return None;
        }
        self.work += block as u64;
        Some(self.blocks[..block].iter().map(|b| b.len()).sum::<usize>() + at)
    }
}

fn index(row: usize) -> u32 {
    u32::try_from(row).expect("fewer than 4 billion rows")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys by row index; `before` compares them.
    fn order_of(keys: &[u32]) -> ShownOrder {
        let mut order = ShownOrder::default();
        for row in 0..keys.len() {
            order.insert(row, 0, |i| keys[i] < keys[row]);
        }
        order
    }

    #[test]
    fn rows_taken_one_by_one_stay_sorted_across_many_blocks() {
        // A permutation of 0..5000, so no two keys are equal.
        let keys: Vec<u32> = (0..5000u32).map(|n| (n * 7919) % 5000).collect();
        let mut order = order_of(&keys);
        assert!(order.blocks.len() > 4, "{} blocks", order.blocks.len());
        let sorted: Vec<u32> = order.iter().map(|i| keys[i]).collect();
        assert_eq!(sorted, (0..5000).collect::<Vec<_>>());
        assert_eq!(order.len(), 5000);
        assert_eq!(order.get(1234).map(|i| keys[i]), Some(1234));
        assert_eq!(order.iter_from(4998).count(), 2);
        assert_eq!(order.get(5000), None);

        let row = order.get(3000).unwrap();
        assert_eq!(order.position(row, |i| keys[i] < keys[row]), Some(3000));
        assert!(order.remove(row, |i| keys[i] < keys[row]));
        assert!(!order.remove(row, |i| keys[i] < keys[row]), "gone already");
        assert_eq!(order.position(row, |i| keys[i] < keys[row]), None);
        assert_eq!(order.len(), 4999);
        assert_eq!(order.get(3000).map(|i| keys[i]), Some(3001));
    }

    #[test]
    fn a_filtered_order_keeps_the_order_and_its_blocks_take_rows() {
        let keys: Vec<u32> = (0..3000u32).map(|n| (n * 7919) % 3000).collect();
        let order = order_of(&keys);
        let mut even = order.filtered(|i, _| keys[i].is_multiple_of(2));
        let kept: Vec<u32> = even.iter().map(|i| keys[i]).collect();
        assert_eq!(kept, (0..3000).step_by(2).collect::<Vec<_>>());
        assert_eq!(even.len(), 1500);
        assert!(
            even.blocks
                .iter()
                .all(|b| !b.is_empty() && b.len() <= BLOCK_FIRST)
        );
        let row = keys.iter().position(|&k| k == 1001).unwrap();
        even.insert(row, 0, |i| keys[i] < 1001);
        assert_eq!(even.get(501).map(|i| keys[i]), Some(1001));
        assert!(order.filtered(|_, _| false).is_empty());
    }

    #[test]
    fn tags_travel_with_their_rows_and_select_them() {
        let keys: Vec<u32> = (0..2000u32).map(|n| (n * 7919) % 2000).collect();
        let mut order = ShownOrder::default();
        for row in 0..keys.len() {
            let tag = if keys[row].is_multiple_of(3) {
                0b101
            } else {
                0b001
            };
            order.insert(row, tag, |i| keys[i] < keys[row]);
        }
        let thirds: Vec<u32> = order.with_tag(0b100).iter().map(|i| keys[i]).collect();
        assert_eq!(thirds, (0..2000).step_by(3).collect::<Vec<_>>());
        assert_eq!(order.with_tag(0b001).len(), 2000);
        let row = keys.iter().position(|&k| k == 3).unwrap();
        assert!(order.remove(row, |i| keys[i] < 3));
        order.insert(row, 0b001, |i| keys[i] < 3);
        assert_eq!(
            order.with_tag(0b100).len(),
            thirds.len() - 1,
            "a new tag counts"
        );
    }

    #[test]
    fn a_sorted_start_takes_rows_before_after_and_between() {
        let keys = [10, 20, 30, 5, 25, 40];
        let mut order = ShownOrder::from_sorted(&[0, 1, 2]);
        for row in 3..keys.len() {
            order.insert(row, 0, |i| keys[i] < keys[row]);
        }
        let sorted: Vec<u32> = order.iter().map(|i| keys[i]).collect();
        assert_eq!(sorted, [5, 10, 20, 25, 30, 40]);
        for row in 0..keys.len() {
            assert!(order.remove(row, |i| keys[i] < keys[row]));
        }
        assert!(order.is_empty());
        assert_eq!(order.iter().count(), 0);
    }
}
