//! Giving back to the system the memory that indexing freed.
//!
//! A build allocates and frees a great deal in small pieces (each source's extraction, the merge's lists, the
//! keys of the figure sort), and what it keeps is allocated between them. glibc's allocator keeps the pages
//! it freed in its heaps: after a cold start at 1 GB that was about 85 MB (an eighth of what the process held)
//! of free memory still resident, until the next build reused it. `malloc_trim` returns every whole free page
//! to the system. It takes some tens of milliseconds at that size, so it runs after a build or a restart,
//! off the path to the first answer, not after each small update.
//!
//! Elsewhere (another C library, another system) this does nothing: those allocators return memory their own
//! way.

/// Returns the allocator's free pages to the system (see the module's documentation).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn give_back() {
    // SAFETY: malloc_trim takes no pointer and touches no memory in use; it only releases free pages of the
    // allocator's own heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Returns the allocator's free pages to the system (see the module's documentation).
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn give_back() {}
