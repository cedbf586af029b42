//! spanscope: a distributed-trace viewer that runs entirely in the browser.
//!
//! The app is a thin UI over `spanscope-model`: [`state`] holds the signals, [`route`] the hash routes,
//! [`loader`] turns files into traces, [`pages`] are the screens and [`components`] their parts.
//! See ARCHITECTURE.md for the data flow.

mod app;
mod backend_client;
mod colors;
mod components;
mod download;
mod fatal;
mod handoff;
mod http;
mod loader;
mod pages;
mod route;
mod state;
mod trace_view;
mod worker;

fn main() {
    fatal::install_panic_hook();
    // The same module runs in the import worker (see `worker`), where there is no page to mount.
    if web_sys::window().is_none() {
        return;
    }
    leptos::mount::mount_to_body(app::App);
}
