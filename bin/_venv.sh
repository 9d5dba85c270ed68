# Sourced by bin/run and bin/test: make sure .venv exists and holds requirements.txt.
# Reinstalls only when requirements.txt changed since the last successful install.

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

venv_ensure() {
    local root="$1"
    local venv="$root/.venv"
    local stamp="$venv/.requirements.sha256"
    local python wanted

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

    wanted="$(sha256sum "$root/requirements.txt" | cut -d' ' -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
        return 0
    fi
    echo "==> Installing requirements.txt into $venv (the first time takes a few minutes)"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip || return 1
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/requirements.txt" || return 1
    echo "$wanted" > "$stamp"
}
