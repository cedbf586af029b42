# Sourced by the Makefile's wasm steps: the environment for building the wasm side.
# With the rustup wasm32 target installed it changes nothing but PATH; otherwise it selects Debian's rustc-web and
# cargo with -Z build-std (Debian ships std sources for wasm32 in rust-web-src). See scripts/setup.
# wasm-opt comes from the npm `binaryen` package in .tools/ (Debian's binaryen 108 corrupts the table exports of
# current wasm-bindgen output: the app then fails at load with "WebAssembly.Table.grow(): failed to grow table").
_spanscope_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_spanscope_root/.tools/binaryen/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# SPANSCOPE_WASM_TOOLCHAIN=debian forces the Debian path (to test it on a machine that has both).
if [ -z "${SPANSCOPE_WASM_TOOLCHAIN:-}" ]; then
  if rustup target list --installed 2>/dev/null | grep -qx 'wasm32-unknown-unknown'; then
    SPANSCOPE_WASM_TOOLCHAIN=rustup
  else
    SPANSCOPE_WASM_TOOLCHAIN=debian
  fi
fi
export SPANSCOPE_WASM_TOOLCHAIN
if [ "$SPANSCOPE_WASM_TOOLCHAIN" = debian ]; then
  # Debian's cargo and rustc first; trunk and wasm-bindgen are found in ~/.cargo/bin after them.
  export PATH="$_spanscope_root/.tools/binaryen/node_modules/.bin:/usr/bin:$PATH"
  export RUSTC=/usr/bin/rustc
  export RUSTC_BOOTSTRAP=1
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19
  # A target dir of its own: the native side builds with another rustc.
  export CARGO_TARGET_DIR="$_spanscope_root/target/wasm"
fi
