// Keeps a target valid while its globbed source list is empty (a fresh module).
namespace midnight::build_support {}
