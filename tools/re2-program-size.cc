// Measures RE2's own program size (what Envoy compares with re2.max_program_size.error_level) for one pattern per
// line of stdin; prints "<size>\t<pattern>", or "ERR\t<pattern>" for a pattern RE2 rejects.
// Used to refresh test/fixtures/regex/re2-program-size.tsv, the ground truth src/regex/program-size.ts is checked
// against (not part of the build; the tests need no C++ toolchain):
//   apt-get install libre2-dev && g++ -O1 -o /tmp/re2size tools/re2-program-size.cc -lre2
//   cut -f2 test/fixtures/regex/re2-program-size.tsv | grep -v '^#' | /tmp/re2size
#include <re2/re2.h>

#include <iostream>
#include <string>

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    RE2 re(line, RE2::Quiet);
    if (!re.ok()) {
      std::cout << "ERR\t" << line << "\n";
      continue;
    }
    std::cout << re.ProgramSize() << "\t" << line << "\n";
  }
  return 0;
}
