//! Saving bytes as a file the user downloads (exports, CSV): a Blob, an object URL, a click on a temporary link.

use wasm_bindgen::JsCast;

/// Offers `bytes` as a download called `name`. Returns the message to show when the browser refuses.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let fail = |what: &str| format!("could not save {name}: {what}");
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts).map_err(|_| fail("no Blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("no object URL"))?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| fail("no document"))?;
    let a = document
        .create_element("a")
        .map_err(|_| fail("no link"))?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| fail("no link"))?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoked later: revoking at once can cancel the download in some browsers.
    leptos::leptos_dom::helpers::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    Ok(())
}
