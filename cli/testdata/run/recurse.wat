;; Unbounded recursion: "call stack exhausted".
(module
  (func $down (export "_start") (call $down))
)
