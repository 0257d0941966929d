// Splitting knockd command lines: a small subset of POSIX sh word splitting, and a
// refusal (fall back to /bin/sh -c) for everything outside it.
#include "core/config/command_template.h"

#include <algorithm>
#include <array>

#include "core/str_cat.h"

namespace sesame {
namespace {

// Outside quotes, each of these makes sh do more than split words.
constexpr std::string_view kShellSpecial = "|&;<>()$`\\*?[]{}\n";
// Inside "...", sh still expands these.
constexpr std::string_view kDoubleQuoteSpecial = "$`\\";
// As the first word these are shell syntax or builtins with no program to exec.
constexpr std::array<std::string_view, 32> kShellWords{
    "!",     "{",    "}",     "if",    "then",  "else",   "elif",     "fi",
    "case",  "esac", "for",   "while", "until", "do",     "done",     "in",
    ".",     ":",    "eval",  "exec",  "exit",  "export", "readonly", "set",
    "shift", "trap", "unset", "cd",    "umask", "ulimit", "source",   "command"};

std::string quoted(char c) { return str_cat("'", std::string_view(&c, 1), "'"); }

// The words of `line`, or why it needs a shell (non-empty string).
std::string split_words(std::string_view line, std::vector<std::string>& words) {
  bool in_word = false;
  bool word_quoted = false;  // the word holds a quote: no tilde, '#' or '=' meaning
  std::string word;
  auto finish = [&] {
    if (in_word) words.push_back(word);
    word.clear();
    in_word = word_quoted = false;
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ' || c == '\t') {
      finish();
      continue;
    }
    if (c == '\'' || c == '"') {
      const std::size_t end = line.find(c, i + 1);
      if (end == std::string_view::npos) return str_cat("an unterminated ", quoted(c), " quote");
      const std::string_view inner = line.substr(i + 1, end - i - 1);
      if (c == '"') {
        const std::size_t bad = inner.find_first_of(kDoubleQuoteSpecial);
        if (bad != std::string_view::npos) return str_cat(quoted(inner[bad]), " inside \"...\"");
      }
      word += inner;
      in_word = word_quoted = true;
      i = end;
      continue;
    }
    if (kShellSpecial.find(c) != std::string_view::npos) return quoted(c);
    if (!in_word && (c == '#' || c == '~')) return str_cat(quoted(c), " at the start of a word");
    if (c == '=' && words.empty() && !word_quoted) return "a variable assignment";
    word += c;
    in_word = true;
  }
  finish();
  if (!words.empty() && std::ranges::find(kShellWords, words.front()) != kShellWords.end())
    return str_cat("the shell word '", words.front(), "'");
  return {};
}

}  // namespace

KnockdCommand command_from_knockd(std::string_view line) {
  KnockdCommand out;
  out.shell_reason = split_words(line, out.command.argv);
  if (!out.shell_reason.empty()) out.command.argv = {std::string(kShell), "-c", std::string(line)};
  return out;
}

std::vector<std::string> shell_line_programs(std::string_view line) {
  const std::size_t cut = line.find_first_of("'\"\\`$#");
  const std::string_view plain = line.substr(0, cut);
  std::vector<std::string> out;
  bool command_start = true;  // the next word is a command's first
  for (std::size_t i = 0; i < plain.size();) {
    const char c = plain[i];
    if (c == ';' || c == '|' || c == '\n' || (c == '&' && (i == 0 || (plain[i - 1] != '>' && plain[i - 1] != '<')))) {
      command_start = true;
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    const std::size_t end = std::min(plain.find_first_of(" \t;&|\n<>(){}", i), plain.size());
    const std::string_view word = plain.substr(i, end - i);
    // A word the cut ends may go on past it.
    const bool whole = end < plain.size() || cut == std::string_view::npos;
    if (command_start && whole && word.starts_with('/') && word.find('%') == std::string_view::npos)
      out.emplace_back(word);
    command_start = false;
    i = std::max(end, i + 1);
  }
  return out;
}

std::vector<std::string> expand_command(const CommandTemplate& command, const Address& source) {
  const std::string address = source.to_string();
  std::vector<std::string> argv;
  argv.reserve(command.argv.size());
  for (std::string arg : command.argv) {
    for (std::size_t at = arg.find(kIpPlaceholder); at != std::string::npos;
         at = arg.find(kIpPlaceholder, at + address.size()))
      arg.replace(at, kIpPlaceholder.size(), address);
    argv.push_back(std::move(arg));
  }
  return argv;
}

}  // namespace sesame
