# Sourced by bin/run, bin/test and .ci/run: make sure .venv exists and holds a requirement set.
#   venv_ensure ROOT runtime   requirements.txt, what the app needs (bin/run)
#   venv_ensure ROOT dev       requirements.txt + requirements-dev.txt: tests, lint, types (bin/test, .ci/run;
#                              also the default, what every caller got before the sets were split)
# Each set has a stamp in .venv; a set is installed again only when its compiled file(s) changed since its
# last successful install (the dev stamp covers both files, and a current dev install satisfies runtime).
# Installs with uv when possible: uv on PATH, else uv put into .venv by pip (one wheel from PyPI);
# plain pip when uv cannot be had or fails. FINSIGHT_INSTALLER=pip forces pip.
# uv reads PyPI and its own settings (UV_INDEX_URL...), not pip's configuration.

venv_python_pick() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "Finsight needs Python 3.11 or newer (python3.11 or python3 on PATH)." >&2
    return 1
}

# Prints the uv to install with, or nothing (then pip installs).
venv_uv() {
    local root="$1" venv="$2" version
    [[ "${FINSIGHT_INSTALLER:-}" == pip ]] && return 0
    if command -v uv >/dev/null 2>&1; then
        command -v uv
        return 0
    fi
    if [[ -x "$venv/bin/uv" ]]; then
        echo "$venv/bin/uv"
        return 0
    fi
    # The version requirements-dev.txt pins, so the dev install does not replace it.
    version="$(sed -n 's/^uv==\([0-9][^ ;]*\).*/\1/p' "$root/requirements-dev.txt" 2>/dev/null)"
    echo "==> Installing uv${version:+ $version} into $venv with pip" >&2
    if "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv${version:+==$version}" >&2 \
        && [[ -x "$venv/bin/uv" ]]; then
        echo "$venv/bin/uv"
    else
        echo "==> Could not install uv; installing with pip instead" >&2
    fi
}

venv_ensure() {
    local root="$1" set="${2:-dev}"
    local venv="$root/.venv"
    local python uv runtime_hash dev_hash file
    local -a files args

    case "$set" in
        runtime) files=("$root/requirements.txt") ;;
        dev) files=("$root/requirements.txt" "$root/requirements-dev.txt") ;;
        *)
            echo "venv_ensure: unknown requirement set '$set' (runtime or dev)" >&2
            return 1
            ;;
    esac

    if [[ -x "$venv/bin/python" ]] && ! "$venv/bin/python" -c '' 2>/dev/null; then
        echo "==> $venv is broken (its Python no longer runs); recreating it"
        rm -rf "$venv"
    fi
    if [[ ! -x "$venv/bin/python" ]]; then
        python="$(venv_python_pick)" || return 1
        echo "==> Creating $venv with $("$python" --version)"
        "$python" -m venv "$venv" || {
            echo "Could not create the virtualenv; on Debian/Ubuntu: apt-get install python3-venv" >&2
            return 1
        }
    fi

    runtime_hash="$(sha256sum "$root/requirements.txt" | cut -d' ' -f1)" || return 1
    dev_hash="none"
    if [[ -f "$root/requirements-dev.txt" ]]; then
        dev_hash="$(cat "$root/requirements.txt" "$root/requirements-dev.txt" | sha256sum | cut -d' ' -f1)"
    fi
    if [[ -f "$venv/.stamp-dev" && "$(cat "$venv/.stamp-dev")" == "$dev_hash" ]]; then
        return 0
    fi
    if [[ "$set" == runtime && -f "$venv/.stamp-runtime" && "$(cat "$venv/.stamp-runtime")" == "$runtime_hash" ]]; then
        return 0
    fi

    # install, never sync: installing the runtime set leaves packages it does not list alone, so bin/run after
    # bin/test keeps pytest and friends (sync would remove them), and uv and pip behave alike. The price: a
    # package dropped from the requirements stays in an existing .venv until it is recreated (rm -rf .venv);
    # fresh clones and CI start clean.
    args=()
    for file in "${files[@]}"; do
        args+=(-r "$file")
    done
    rm -f "$venv/.requirements.sha256"  # the stamp before the runtime/dev split
    uv="$(venv_uv "$root" "$venv")"
    echo "==> Installing the $set requirements (${files[*]##*/}) into $venv with $([[ -n "$uv" ]] && echo uv || echo pip)"
    # The dev set compiles its bytecode at install (--compile-bytecode, as pip does). The runtime set leaves it to
    # a background compileall on one CPU, so that bin/run's migrations and demo seeding go ahead on the other
    # instead of waiting about 20 s (what they import first they compile themselves; writes are atomic).
    local -a compile=(--compile-bytecode)
    [[ "$set" == runtime ]] && compile=()
    if [[ -n "$uv" ]] && ! "$uv" pip install --quiet "${compile[@]}" --python "$venv/bin/python" "${args[@]}"; then
        echo "==> uv could not install them; trying pip"
        uv=""
    fi
    if [[ -n "$uv" && "$set" == runtime ]]; then
        nice -n 10 "$venv/bin/python" -m compileall -q -j 1 "$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" \
            >/dev/null 2>&1 &
    fi
    if [[ -z "$uv" ]]; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip || return 1
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${args[@]}" || return 1
    fi
    echo "$runtime_hash" > "$venv/.stamp-runtime"
    if [[ "$set" == dev ]]; then
        echo "$dev_hash" > "$venv/.stamp-dev"
    fi
}
