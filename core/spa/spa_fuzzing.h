// kSpaFuzzing: set by the fuzz build alone (SESAME_SPA_FUZZING), as fwknop's AFL build
// does, so that the fuzzer reaches the plaintext parser without forging HMACs and digests.
#pragma once

namespace sesame {

#ifdef SESAME_SPA_FUZZING
// The payload is taken as the plaintext: no base64, HMAC, decryption or digest check.
inline constexpr bool kSpaFuzzing = true;
#else
inline constexpr bool kSpaFuzzing = false;
#endif

}  // namespace sesame
