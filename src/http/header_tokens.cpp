#include "http/header_tokens.hpp"

#include <algorithm>
#include <cctype>

namespace headroom::http {

bool header_has_token(std::string_view header, std::string_view token) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  size_t i = 0;
  while (i <= header.size()) {
    size_t end = header.find(',', i);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(i, end - i);
    while (!part.empty() && blank(part.front())) part.remove_prefix(1);
    while (!part.empty() && blank(part.back())) part.remove_suffix(1);
    if (part.size() == token.size() && std::equal(part.begin(), part.end(), token.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return true;
    }
    i = end + 1;
  }
  return false;
}

}  // namespace headroom::http
