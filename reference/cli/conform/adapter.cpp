#include "adapter.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace midnight::cli::conform {

namespace {

// An answer line longer than this is a broken adapter: the largest answer of version 1
// (a decoded certificate of 65,535 entries) is far below it.
constexpr std::size_t kMaxAnswerBytes = std::size_t{64} << 20;

std::string shorten_answer(const std::string& s, std::size_t n = 300) {
  return s.size() <= n ? s : s.substr(0, n) + "... (" + std::to_string(s.size()) + " bytes)";
}

void write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw AdapterBroken{std::string("the adapter exited or closed its input: cannot write to it: ") + std::strerror(errno)};
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

Adapter::Adapter(const std::vector<std::string>& command, std::chrono::milliseconds timeout) : timeout_(timeout) {
  if (command.empty()) throw AdapterBroken{"no adapter command"};
  // A write to an adapter that has exited must be an error we report, not a signal.
  ::signal(SIGPIPE, SIG_IGN);
  char tmpl[] = "/tmp/midnight-conform-stderr-XXXXXX";
  const int err_fd = ::mkstemp(tmpl);
  if (err_fd < 0) throw AdapterBroken{"cannot create a file for the adapter's standard error"};
  stderr_path_ = tmpl;
  int in_pipe[2];
  int out_pipe[2];
  if (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0) throw AdapterBroken{"cannot create pipes"};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_fd}) posix_spawn_file_actions_addclose(&actions, fd);
  std::vector<char*> argv;
  for (const std::string& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_fd);
  to_child_ = in_pipe[1];
  from_child_ = out_pipe[0];
  if (rc != 0) throw AdapterBroken{"cannot start '" + command[0] + "': " + std::strerror(rc)};
  pid_ = pid;
}

Adapter::~Adapter() {
  if (to_child_ >= 0) ::close(to_child_);
  if (from_child_ >= 0) ::close(from_child_);
  if (pid_ > 0 && !finished_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (!stderr_path_.empty()) std::remove(stderr_path_.c_str());
}

std::string Adapter::stderr_tail() const {
  std::ifstream in(stderr_path_);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(shorten_answer(line, 200));
    if (lines.size() > 10) lines.erase(lines.begin());
  }
  std::string out;
  for (const std::string& l : lines) out += "  | " + l + "\n";
  return out;
}

void Adapter::broken(const std::string& what, const std::string& request) const {
  std::string m = "the adapter is broken: " + what;
  if (!request.empty()) m += "\n  request: " + shorten_answer(request);
  const std::string tail = stderr_tail();
  if (!tail.empty()) m += "\n  its standard error ends with:\n" + tail;
  throw AdapterBroken{m};
}

std::string Adapter::read_line(const std::string& request) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  while (true) {
    const std::size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (buffer_.size() > kMaxAnswerBytes) broken("an answer line longer than 64 MiB", request);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      broken("no answer within " + std::to_string(timeout_.count() / 1000) + " s (--timeout)", request);
    pollfd p{from_child_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char chunk[1 << 16];
    const ssize_t n = ::read(from_child_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) broken("it exited (or closed its standard output) before answering", request);
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

Answer Adapter::call(const std::string& op, Json args) {
  Json request = Json::object();
  const std::uint64_t id = next_id_++;
  request.set("id", static_cast<std::int64_t>(id));
  request.set("op", op);
  if (args.is_object())
    for (const Json::Member& m : args.members()) request.set(m.first, m.second);
  last_request_ = request.dump();
  last_request_ += '\n';
  write_all(to_child_, last_request_);
  last_request_.pop_back();
  const std::string& line = last_request_;
  const std::string text = read_line(line);
  JsonParse parsed = parse_json(text);
  if (!parsed.value || !parsed.value->is_object())
    broken("an answer that is not a JSON object (" + (parsed.value ? std::string("not an object") : parsed.error) +
               "): " + shorten_answer(text),
           line);
  const Json& a = *parsed.value;
  const Json* got_id = a.find("id");
  if (got_id == nullptr || !got_id->is_number() || got_id->as_int() != static_cast<std::int64_t>(id))
    broken("an answer whose id is not the request's (" + std::to_string(id) + "): " + shorten_answer(text), line);
  const Json* ok = a.find("ok");
  const Json* error = a.find("error");
  const Json* unsupported = a.find("unsupported");
  if ((ok != nullptr) + (error != nullptr) + (unsupported != nullptr) != 1)
    broken("an answer without exactly one of ok, error and unsupported: " + shorten_answer(text), line);
  Answer answer;
  if (ok != nullptr) {
    if (!ok->is_object()) broken("an ok that is not an object: " + shorten_answer(text), line);
    answer.kind = Answer::Kind::ok;
    answer.ok = *ok;
  } else if (error != nullptr) {
    if (!error->is_string()) broken("an error that is not a string: " + shorten_answer(text), line);
    answer.kind = Answer::Kind::error;
    answer.text = error->as_string();
  } else {
    answer.kind = Answer::Kind::unsupported;
    answer.text = unsupported->is_string() ? unsupported->as_string() : std::string("(no reason given)");
  }
  return answer;
}

int Adapter::finish() {
  if (to_child_ >= 0) {
    ::close(to_child_);
    to_child_ = -1;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  int status = 0;
  while (true) {
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (std::chrono::steady_clock::now() > deadline) broken("it did not exit when its input ended", "");
    ::usleep(10'000);
  }
  finished_ = true;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace midnight::cli::conform
