// The `sesame` subcommands: each takes the arguments after its name and returns the
// exit status (0 success, 1 failure, 2 usage error).
#pragma once

#include <span>

namespace sesame::cli {

// sesame check FILE: exit 0 with a one-line summary of the doors, or the errors and 1.
int check(std::span<char* const> args);

// sesame decode-spa (--key K | --key-base64 K) [...] PAYLOAD: prints the fields of one
// fwknop payload, or "reject: REASON" and exits 1 (daemon/cli/decode_spa.h).
int decode_spa(std::span<char* const> args);

// sesame import-fwknop [-i IF] FILE: prints fwknop's access.conf FILE as sesame TOML.
int import_fwknop(std::span<char* const> args);

// sesame import-knockd FILE: prints the knockd.conf FILE as sesame TOML.
int import_knockd(std::span<char* const> args);

// sesame reload [-c FILE] PID: SIGHUP to sesamed PID (as its user), exit 0 when it
// reloaded, 1 when it refused (its log says why) or did not answer.
int reload(std::span<char* const> args);

// sesame knock [-u] [-4|-6] [-d MS] [-v] HOST PORT[:PROTO]...: knocks as knockd's `knock`
// does, with its exit status (0, or 1 for any failure, usage errors included).
int knock(std::span<char* const> args);

}  // namespace sesame::cli
