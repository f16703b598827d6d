// `midnight check [--json] [--timeline FILE.svg] LOG...`: node logs (spec/node-log.md)
// judged. Each finding is printed as it is found in text (its evidence read again from the
// logs), or gathered into one JSON document; --timeline also draws the logs, findings
// marked, as a timeline picture. Exit 0 with no finding, 1 with findings, 2 when a log cannot be
// read (file, line and reason on stderr) or the command is used wrongly.
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "midnight/audit/log_checker.hpp"
#include "midnight/audit/log_reader.hpp"
#include "midnight/audit/log_timeline.hpp"
#include "midnight/sim/json_writer.hpp"
#include "timeline_file.hpp"

namespace midnight::cli {

namespace {

constexpr const char* kCheckUsage = "usage: midnight check [--json] [--timeline FILE.svg] LOG...";

std::string evidence_bytes(const std::string& path, const audit::Evidence& e) {
  auto bytes = audit::message_field_at(path, e.offset);
  return bytes ? bytes.value() : std::string("(cannot be read again)");
}

std::string member_text(const audit::Finding& f) {
  return "member " + (f.member ? std::to_string(*f.member) : std::string("?")) + " " + short_hex(f.key);
}

class TextSink final : public audit::FindingSink {
 public:
  explicit TextSink(const std::vector<std::string>& paths) : paths_(paths) {}
  void on_finding(const audit::Finding& f) override {
    ++counts_[audit::finding_name(f.kind)];
    auto& o = std::cout;
    o << audit::finding_name(f.kind) << " (" << audit::finding_rule(f.kind) << ") height " << f.height << "\n";
    if (f.kind == audit::FindingKind::disagreement) {
      o << "  logs: " << paths_[f.logs[0]] << " and " << paths_[f.logs[1]] << "\n";
      o << "  signed both:";
      for (const std::size_t m : f.both_signers) o << " " << m;
      o << (f.both_signers.empty() ? " none\n" : "\n");
    } else {
      o << "  blamed: " << member_text(f) << "\n";
    }
    o << "  " << f.detail << "\n";
    for (const auto& e : f.evidence)
      o << "  evidence: " << paths_[e.log] << ":" << e.line << " " << evidence_bytes(paths_[e.log], e) << "\n";
  }
  const std::map<std::string, std::uint64_t>& counts() const { return counts_; }

 private:
  const std::vector<std::string>& paths_;
  std::map<std::string, std::uint64_t> counts_;
};

class JsonSink final : public audit::FindingSink {
 public:
  JsonSink(const std::vector<std::string>& paths, sim::JsonWriter& w) : paths_(paths), w_(w) {}
  void on_finding(const audit::Finding& f) override {
    w_.begin_object();
    w_.field("finding", audit::finding_name(f.kind));
    w_.field("rule", audit::finding_rule(f.kind));
    w_.field("height", f.height);
    if (f.kind == audit::FindingKind::disagreement) {
      w_.key("logs").begin_array(true);
      for (const std::size_t l : f.logs) w_.value(paths_[l]);
      w_.end_array();
      w_.key("signed_both").begin_array(true);
      for (const std::size_t m : f.both_signers) w_.value(m);
      w_.end_array();
    } else {
      w_.key("member");
      if (f.member) w_.value(*f.member); else w_.null();
      w_.field("key", to_hex(f.key));
    }
    w_.field("detail", f.detail);
    w_.key("evidence").begin_array();
    for (const auto& e : f.evidence) {
      w_.begin_object(true);
      w_.field("file", paths_[e.log]);
      w_.field("line", e.line);
      w_.field("bytes", evidence_bytes(paths_[e.log], e));
      w_.end_object();
    }
    w_.end_array();
    w_.end_object();
  }

 private:
  const std::vector<std::string>& paths_;
  sim::JsonWriter& w_;
};

}  // namespace

int run_check(std::vector<std::string_view> argv) {
  bool json = false;
  std::string timeline;
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string_view a = argv[i];
    if (a == "--json") {
      json = true;
    } else if (a == "--timeline") {
      if (i + 1 == argv.size()) {
        std::cerr << "midnight: check: --timeline needs a FILE.svg\n" << kCheckUsage << "\n";
        return kExitUsage;
      }
      timeline = std::string(argv[++i]);
    } else if (a == "-h" || a == "--help") {
      std::cout << kCheckUsage << "\n";
      return kExitOk;
    } else if (a.starts_with("-") && a != "-") {
      std::cerr << "midnight: check: unknown option '" << a << "'\n" << kCheckUsage << "\n";
      return kExitUsage;
    } else {
      paths.emplace_back(a);
    }
  }
  if (paths.empty()) {
    std::cerr << "midnight: check: no log given\n" << kCheckUsage << "\n";
    return kExitUsage;
  }
  audit::LogFailure failure;
  std::string doc;
  sim::JsonWriter w(doc);
  TextSink text(paths);
  JsonSink js(paths, w);
  if (json) {
    w.begin_object();
    w.key("findings").begin_array();
  }
  // Every finding goes to the printer; the picture keeps where each one is.
  audit::ViolationCollector violations(json ? static_cast<audit::FindingSink*>(&js) : &text);
  const auto unreadable = [&](const std::error_code& e) {
    std::cerr << "midnight: check: " << paths[failure.log] << ":" << failure.line << ": " << e.message()
              << (failure.detail.empty() ? "" : ": " + failure.detail) << "\n";
    return kExitUsage;
  };
  const auto summary = audit::check_logs(paths, violations, failure);
  if (!summary) return unreadable(summary.error());
  const auto& s = summary.value();
  if (!timeline.empty()) {
    auto drawn = audit::timeline_of_logs(
        paths, violations,
        "check: " + std::to_string(s.logs) + " logs, " + std::to_string(s.findings) + " findings", failure);
    if (!drawn) return unreadable(drawn.error());
    write_timeline_svg(timeline, drawn.value(), "--timeline");
  }
  if (json) {
    w.end_array();
    w.field("logs", s.logs);
    w.field("records", s.records);
    w.field("not_judged", s.not_judged);
    w.field("finding_count", s.findings);
    w.end_object();
    std::cout << doc << "\n";
  } else {
    std::cout << "check: " << s.logs << " logs, " << s.records << " records, " << s.findings << " findings";
    for (const auto& [name, n] : text.counts()) std::cout << ", " << n << " " << name;
    std::cout << "; " << s.not_judged << " messages not judged\n";
  }
  return s.findings == 0 ? kExitOk : kExitFailed;
}

}  // namespace midnight::cli
