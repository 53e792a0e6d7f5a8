//! The sample corpus built into the binary, so `pledgeline demo` works from any directory.

/// (name, bytes) of each sample document, from `examples/corpus/`.
pub const SAMPLES: &[(&str, &[u8])] = &[
    (
        "examples/corpus/000_6fb1bf50eb2ac061.txt",
        include_bytes!("../examples/corpus/000_6fb1bf50eb2ac061.txt"),
    ),
    (
        "examples/corpus/001_e246b652d2346690.txt",
        include_bytes!("../examples/corpus/001_e246b652d2346690.txt"),
    ),
];
