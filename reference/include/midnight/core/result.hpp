// Boost.Outcome result type used on every path that takes peer input.
// Errors are std::error_code values of one enum class per module, so the default
// policy applies and every error has a readable message().
#pragma once
#include <boost/outcome.hpp>
#include <system_error>

namespace midnight {
namespace outcome = BOOST_OUTCOME_V2_NAMESPACE;
template <class T>
using result = outcome::result<T, std::error_code>;
}  // namespace midnight

#define MIDNIGHT_TRY BOOST_OUTCOME_TRY
