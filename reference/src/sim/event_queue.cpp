#include "midnight/sim/event_queue.hpp"

#include <utility>

namespace midnight::sim {

void EventQueue::push(Event e) {
  e.seq = next_seq_++;
  heap_.push(std::move(e));
}

Event EventQueue::pop() {
  // priority_queue::top is const; copying the small event (the bytes are shared) is fine.
  Event e = heap_.top();
  heap_.pop();
  return e;
}

}  // namespace midnight::sim
