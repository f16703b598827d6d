#include "check.hpp"

#include "midnight/core/bytes.hpp"
#include "midnight/crypto/hash.hpp"

namespace midnight::cli::conform {

std::string shorten(const std::string& s, std::size_t n) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

namespace {

bool is_hex_text(const std::string& s) {
  if (s.size() % 2 != 0) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string describe(const Json& v) {
  if (is_byte_segments(v)) {
    std::string out = std::to_string(bytes_of(v).size());
    out.insert(0, "<");
    out.append(" bytes>");
    return out;
  }
  return shorten(v.dump());
}

}  // namespace

std::string first_difference(const Json& expected, const Json& got, const std::string& path) {
  const auto differ = [&](const std::string& why) {
    return path + ": " + why + " (expected " + describe(expected) + ", got " + describe(got) + ")";
  };
  // Byte strings compare by value, whatever their form on either side.
  if (is_byte_segments(expected) || (expected.is_string() && is_hex_text(expected.as_string()) && is_byte_segments(got))) {
    if (!(got.is_string() || is_byte_segments(got))) return differ("not a byte string");
    try {
      return bytes_of(expected) == bytes_of(got) ? std::string() : differ("different bytes");
    } catch (const JsonError& e) {
      return differ(e.message);
    }
  }
  if (expected.kind() != got.kind()) return differ("different kind of value");
  switch (expected.kind()) {
    case Json::Kind::null: return {};
    case Json::Kind::boolean: return expected.as_bool() == got.as_bool() ? std::string() : differ("different");
    case Json::Kind::number: return expected.dump() == got.dump() ? std::string() : differ("different");
    case Json::Kind::string:
      return expected.as_string() == got.as_string() ? std::string() : differ("different");
    case Json::Kind::array: {
      if (expected.items().size() != got.items().size())
        return path + ": " + std::to_string(got.items().size()) + " elements, expected " +
               std::to_string(expected.items().size());
      for (std::size_t i = 0; i < expected.items().size(); ++i) {
        std::string d = first_difference(expected.items()[i], got.items()[i], path + "[" + std::to_string(i) + "]");
        if (!d.empty()) return d;
      }
      return {};
    }
    case Json::Kind::object:
      for (const Json::Member& m : expected.members()) {
        const Json* g = got.find(m.first);
        if (g == nullptr) return path + "." + m.first + ": missing from the answer";
        std::string d = first_difference(m.second, *g, path + "." + m.first);
        if (!d.empty()) return d;
      }
      return {};
  }
  return {};
}

Case::Case(Adapter& adapter, Ledger& ledger, std::string family, std::string name)
    : adapter_(adapter), ledger_(ledger), family_(std::move(family)), name_(std::move(name)) {}

Case::~Case() {
  if (!closed_) close();
}

void Case::close() {
  if (closed_) return;
  closed_ = true;
  FamilyTally& t = ledger_.family(family_);
  if (failed_) {
    ++t.failed;
  } else if (not_covered_) {
    ++t.not_covered;
    if (t.first_not_covered.empty()) t.first_not_covered = name_ + ": " + not_covered_reason_;
  } else {
    ++t.passed;
  }
}

void Case::fail(const std::string& op, const std::string& detail) {
  if (failed_) return;
  failed_ = true;
  ledger_.diverged(Divergence{family_, name_, op, detail, shorten(adapter_.last_request(), 400), rule_, {}});
}

std::optional<Answer> Case::send(const std::string& op, const Json& args) {
  if (decided()) return std::nullopt;
  Answer a = adapter_.call(op, args);
  if (a.kind == Answer::Kind::unsupported) {
    not_covered_ = true;
    not_covered_reason_ = op + " unsupported: " + a.text;
    return std::nullopt;
  }
  return a;
}

std::optional<Answer> Case::call(const std::string& op, const Json& args) {
  return send(op, args);
}

std::optional<Json> Case::expect_ok(const std::string& op, Json args, const Json& expected) {
  std::optional<Answer> a = send(op, args);
  if (!a) return std::nullopt;
  if (a->kind == Answer::Kind::error) {
    fail(op, "rejected with '" + a->text + "', expected a result " + describe(expected));
    return std::nullopt;
  }
  const std::string d = first_difference(expected, a->ok, "ok");
  if (!d.empty()) {
    fail(op, d);
    return std::nullopt;
  }
  return std::move(a->ok);
}

void Case::expect_error(const std::string& op, Json args, const std::string& name) {
  std::optional<Answer> a = send(op, args);
  if (!a) return;
  if (a->kind == Answer::Kind::ok) {
    fail(op, "accepted (" + shorten(a->ok.dump()) + "), expected the error '" + name + "'");
  } else if (a->text != name) {
    fail(op, "rejected with '" + a->text + "', expected '" + name + "'");
  }
}

void Case::expect(const std::string& op, Json args, const Json& expected, const std::string& expected_error) {
  if (expected_error.empty())
    (void)expect_ok(op, std::move(args), expected);
  else
    expect_error(op, std::move(args), expected_error);
}

}  // namespace midnight::cli::conform
