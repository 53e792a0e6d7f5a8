fn main() -> std::process::ExitCode {
    pledgeline::cli::main()
}
