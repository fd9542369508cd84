//! Giving back to the system the memory that indexing freed.
//!
//! A build allocates and frees a great deal in small pieces (each source's extraction, the merge's lists, the
//! keys of the figure sort), and what it keeps is allocated between them. glibc's allocator keeps the pages
//! it freed in its heaps: after a cold start at 1 GB that was about 85 MB (an eighth of what the process held)
//! of free memory still resident, until the next build reused it. `malloc_trim` returns every whole free page
//! to the system. It takes some tens of milliseconds at that size, so it runs after a build or a restart,
//! off the path to the first answer, not after each small update.
//!
//! Elsewhere (another C library, another system) trimming does nothing: those allocators return memory their
//! own way. Everywhere, the buffers the extractors keep on each thread of the pool from one document to the
//! next (16 MB at 100 MB) are let go of first: the next build makes new ones.

/// Lets go of the extractors' and the loader's buffers on every thread of the pool and this one, and returns
/// the allocator's free pages to the system (see the module's documentation).
pub fn give_back() {
    let release = || {
        crate::extract::release_buffers();
        crate::corpus::release_buffers();
    };
    rayon::broadcast(|_| release());
    release();
    trim();
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn trim() {
    // SAFETY: malloc_trim takes no pointer and touches no memory in use; it only releases free pages of the
    // allocator's own heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
