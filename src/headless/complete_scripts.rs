//! What `completions` adds to clap_complete's scripts so that a zone, an
//! account or a run id completes from the local caches: a small function per
//! shell that asks `trustdeck __complete at N WORD…` (see `complete`) and
//! falls back to clap's completion when it prints nothing. In bash and zsh
//! clap's function is renamed `_trustdeck_clap` and ours takes its name, so
//! every way a shell loads the script (sourced, or autoloaded from `fpath`)
//! reaches ours.

use clap_complete::Shell;

/// The bash function: candidates are quoted (`Acme\ Corp`) as bash inserts
/// them literally.
const BASH: &str = r#"
# Zone and account names and run ids from trustdeck's local caches: no request.
_trustdeck() {
    local program=${COMP_WORDS[0]} word
    [[ $program == */* && -x $program ]] || program=trustdeck
    COMPREPLY=()
    while IFS= read -r word; do
        COMPREPLY+=("$(printf '%q' "$word")")
    done < <("$program" __complete at "$COMP_CWORD" "${COMP_WORDS[@]}" 2>/dev/null)
    if [[ ${#COMPREPLY[@]} -eq 0 ]]; then
        _trustdeck_clap "$@"
    fi
}
"#;

/// The zsh function (`words` counts from 1, `__complete at` from 0).
const ZSH: &str = r#"
# Zone and account names and run ids from trustdeck's local caches: no request.
_trustdeck() {
    local -a cached
    cached=("${(@f)$(trustdeck __complete at $(( CURRENT - 1 )) "${words[@]}" 2>/dev/null)}")
    if [[ -n ${cached[1]} ]]; then
        compadd -a cached
        return
    fi
    _trustdeck_clap "$@"
}
"#;

/// The fish function and the one completion that uses it; fish adds it to
/// clap's own, and offers no files where it has names.
const FISH: &str = r#"
# Zone and account names and run ids from trustdeck's local caches: no request.
function __trustdeck_cached
    set -l words (commandline -opc) (commandline -ct)
    trustdeck __complete at (math (count $words) - 1) $words 2>/dev/null
end
complete -c trustdeck -n '__trustdeck_cached | string length -q' -f -a '(__trustdeck_cached)'
"#;

/// `script`, clap_complete's for `shell`, with the cached names added.
/// Other shells keep clap's script as it is.
pub fn with_cached_names(shell: Shell, script: &str) -> String {
    match shell {
        Shell::Bash => insert_before(renamed(script), BASH, "\nif [[ \"${BASH_VERSINFO[0]}\""),
        Shell::Zsh => insert_before(
            renamed(script),
            ZSH,
            "\nif [ \"$funcstack[1]\" = \"_trustdeck\" ]; then",
        ),
        Shell::Fish => format!("{script}{FISH}"),
        _ => script.to_owned(),
    }
}

/// `script` with clap's `_trustdeck` function named `_trustdeck_clap`.
fn renamed(script: &str) -> String {
    const CLAPS: &str = "_trustdeck() {";
    match script.strip_prefix(CLAPS) {
        Some(rest) => format!("_trustdeck_clap() {{{rest}"),
        None => script.replacen(&format!("\n{CLAPS}"), "\n_trustdeck_clap() {", 1),
    }
}

/// `script` with `function` right before `marker` (where the script
/// registers its function), or at its end when there is no such line.
fn insert_before(mut script: String, function: &str, marker: &str) -> String {
    match script.find(marker) {
        Some(at) => script.insert_str(at, function),
        None => script.push_str(function),
    }
    script
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    fn script(shell: Shell) -> String {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "trustdeck", &mut script);
        with_cached_names(shell, &String::from_utf8_lossy(&script))
    }

    #[test]
    fn bash_and_zsh_define_ours_under_clap_s_name_before_registering_it() {
        for (shell, registration) in [
            (Shell::Bash, "complete -F _trustdeck "),
            (Shell::Zsh, "compdef _trustdeck trustdeck"),
        ] {
            let script = script(shell);
            assert_eq!(script.matches("_trustdeck() {").count(), 1, "{shell}");
            assert_eq!(script.matches("_trustdeck_clap() {").count(), 1, "{shell}");
            assert!(script.contains("__complete at"), "{shell}");
            let ours = script.find("\n_trustdeck() {").expect("ours");
            assert!(ours < script.find(registration).unwrap(), "{shell}");
            assert!(
                script.find("_trustdeck_clap() {").unwrap() < ours,
                "{shell}"
            );
        }
    }

    #[test]
    fn fish_adds_one_completion_that_asks_the_cache() {
        let script = script(Shell::Fish);
        assert!(script.contains("function __trustdeck_cached"));
        assert!(
            script.ends_with("-f -a '(__trustdeck_cached)'\n"),
            "{script}"
        );
    }
}
