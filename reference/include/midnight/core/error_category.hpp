// One enum class of errors per module, one message table each, registered with
// std::error_code so Boost.Outcome's default policy works. A module declares
//
//   enum class codec_errc { truncated = 1, ... };
//   template <> struct ErrorTable<codec_errc> { static constexpr const char* name = "codec";
//                                              static const char* message(codec_errc); };
//   MIDNIGHT_REGISTER_ERROR_ENUM(codec_errc)
//
// and defines message() in its .cpp with a switch that names every enumerator.
#pragma once
#include <string>
#include <system_error>

namespace midnight {

template <class E>
struct ErrorTable;  // specialised per module

template <class E>
class TableErrorCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return ErrorTable<E>::name; }
  std::string message(int code) const override { return ErrorTable<E>::message(static_cast<E>(code)); }
};

// The category object is immutable and has no state: it is the identity of the enum.
template <class E>
const std::error_category& error_category_of() noexcept {
  static const TableErrorCategory<E> category;
  return category;
}

}  // namespace midnight

#define MIDNIGHT_REGISTER_ERROR_ENUM(E)                                        \
  namespace midnight {                                                         \
  inline std::error_code make_error_code(E e) noexcept {                       \
    return {static_cast<int>(e), error_category_of<E>()};                      \
  }                                                                            \
  }                                                                            \
  template <>                                                                  \
  struct std::is_error_code_enum<midnight::E> : std::true_type {};
