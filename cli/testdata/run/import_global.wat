;; An unknown function, global and memory import.
(module
  (import "env" "foo" (func))
  (import "env" "g" (global i32))
  (import "env" "mem" (memory 1))
  (func (export "f"))
)
