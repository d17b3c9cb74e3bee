//! The memory allocator of the `draft` binary and its benchmarks: mimalloc,
//! asked for plain blocks where plain blocks are aligned enough.
//!
//! Ingest allocates a few small strings and lists for every fact. The
//! `mimalloc` crate's allocator sends every request, whatever its
//! alignment, down mimalloc's aligned path, which checks and adjusts what
//! a plain `mi_malloc` already guarantees for nearly every Rust type. This
//! one takes the plain path when it suffices, as the standard library's
//! own `System` allocator does with `malloc`, and the aligned path
//! otherwise. On the ingest benchmark's corpus that is about 1.3% fewer
//! instructions for the whole pipeline.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mimalloc;

/// mimalloc on the plain path where that path's alignment suffices.
pub struct Allocator;

/// The alignment every block of mimalloc has when it is at least this
/// large (`MI_MAX_ALIGN_SIZE` on 64-bit targets: on them blocks of up to
/// eight words come in multiples of two words, and larger ones in even
/// numbers of words). A smaller block is aligned to its own size rounded
/// up to a word, so a request is safe on the plain path when its alignment
/// is at most this and at most its size.
const PLAIN_ALIGNMENT: usize = 16;

fn plain_suffices(align: usize, size: usize) -> bool {
    align <= PLAIN_ALIGNMENT && align <= size
}

// SAFETY: every call is passed to mimalloc, which returns blocks of at
// least the size asked for, aligned as asked for (the plain calls only
// where `plain_suffices` says their alignment is enough, the aligned calls
// otherwise), or null when out of memory; `mi_free` and the `realloc`s
// accept any block mimalloc returned, whichever call returned it.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (size, align) = (layout.size(), layout.align());
        // SAFETY: mimalloc's allocation calls have no preconditions.
        unsafe {
            if plain_suffices(align, size) {
                mimalloc::mi_malloc(size).cast()
            } else {
                mimalloc::mi_malloc_aligned(size, align).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let (size, align) = (layout.size(), layout.align());
        // SAFETY: as for `alloc`.
        unsafe {
            if plain_suffices(align, size) {
                mimalloc::mi_zalloc(size).cast()
            } else {
                mimalloc::mi_zalloc_aligned(size, align).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, pointer: *mut u8, _layout: Layout) {
        // SAFETY: the caller passes a block this allocator returned, which
        // mimalloc allocated.
        unsafe { mimalloc::mi_free(pointer.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let align = layout.align();
        // SAFETY: as for `dealloc`; the new block keeps the old alignment.
        unsafe {
            if plain_suffices(align, size) {
                mimalloc::mi_realloc(pointer.cast::<c_void>(), size).cast()
            } else {
                mimalloc::mi_realloc_aligned(pointer.cast::<c_void>(), size, align).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size and alignment a Rust type can ask for up to a page:
    /// blocks come back aligned, writable across their size, and survive
    /// growing and shrinking with their contents.
    #[test]
    fn blocks_are_aligned_and_keep_their_contents() {
        let allocator = Allocator;
        for shift in 0..=12 {
            let align = 1usize << shift;
            for size in (1..=130).chain([255, 256, 4095, 4096, 70_000]) {
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    continue;
                };
                // SAFETY: the layout has a non-zero size; every block is
                // used within its size and freed once with its layout.
                unsafe {
                    let block = allocator.alloc(layout);
                    assert!(!block.is_null());
                    assert_eq!(block as usize % align, 0, "size {size} align {align}");
                    std::ptr::write_bytes(block, 0xA5, size);
                    let grown = allocator.realloc(block, layout, size * 3);
                    assert_eq!(grown as usize % align, 0, "grown {size} align {align}");
                    assert!((0..size).all(|index| *grown.add(index) == 0xA5));
                    let grown_layout = Layout::from_size_align(size * 3, align).unwrap();
                    let shrunk = allocator.realloc(grown, grown_layout, 1);
                    assert_eq!(shrunk as usize % align, 0, "shrunk {size} align {align}");
                    assert_eq!(*shrunk, 0xA5);
                    allocator.dealloc(shrunk, Layout::from_size_align(1, align).unwrap());
                    let zeroed = allocator.alloc_zeroed(layout);
                    assert_eq!(zeroed as usize % align, 0, "zeroed {size} align {align}");
                    assert!((0..size).all(|index| *zeroed.add(index) == 0));
                    allocator.dealloc(zeroed, layout);
                }
            }
        }
    }
}
