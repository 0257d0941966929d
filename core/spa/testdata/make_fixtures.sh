#!/usr/bin/env bash
# Remakes the fwknop client packets core/spa/spa_decoder_test.cc decodes: one payload per
# NAME.spa, and NAME.fields, the client's own dump of what it encoded (`fwknop -v`).
# Needs Debian's fwknop-client; sends nothing (-T). Run from anywhere:
#   core/spa/testdata/make_fixtures.sh
set -euo pipefail
cd "$(dirname "$0")"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT

# Made once with `fwknop --key-gen` for these fixtures only; spa_decoder_test.cc holds
# them too. The passphrase is short so that legacy-IV mode pads it.
key=hx81UWIIDgZ1lG8Ip/pVJq/r3MxGFBG7x9AShsEUJ0o=
hmac=TKVCjGSo5ck+XZFYOhX0STD4bk81D5K/4E8E9DWoRG9tSazzIJvpnrbAxjCaJca47H0ZD9U6Im/hKLED+7xB1w==
passphrase=sesame

make() {
  local name=$1
  shift
  HOME=$home fwknop --no-rc-file --no-save-args -D 198.18.0.1 -T -v -B "$name.spa" "$@" \
    | sed -n '/^SPA Field Values:/,/^Encryption Mode:/{p;/^Encryption Mode:/q}' >"$name.fields"
  # -B appends a newline; the wire payload has none.
  printf '%s' "$(cat "$name.spa")" >"$name.spa"
}

b64=(--key-base64-rijndael "$key" --key-base64-hmac "$hmac" --use-hmac)
make access "${b64[@]}" -A tcp/22 -a 198.18.0.2
make ports "${b64[@]}" -A tcp/22,udp/53,tcp/443 -a 198.18.0.2
make source "${b64[@]}" -A tcp/22 -s
make user "${b64[@]}" -A tcp/22 -a 198.18.0.2 -U alice
make client_timeout "${b64[@]}" -A tcp/22 -a 198.18.0.2 -f 45
make nat "${b64[@]}" -A tcp/22 -a 198.18.0.2 -N 198.18.0.5:2222
make command "${b64[@]}" -a 198.18.0.2 --server-cmd "echo sesame"
for d in md5 sha1 sha384 sha512; do
  make "digest_$d" "${b64[@]}" -A tcp/22 -a 198.18.0.2 -m "$d"
  make "hmac_$d" "${b64[@]}" -A tcp/22 -a 198.18.0.2 --hmac-digest-type "$d"
done
# fwknop refuses HMAC in legacy-IV mode.
# fwknop refuses HMAC in legacy-IV mode.
make legacy_iv --key-rijndael "$passphrase" -M legacy -A tcp/22 -a 198.18.0.2
make passphrase_no_hmac --key-rijndael "$passphrase" -A tcp/22 -a 198.18.0.2
