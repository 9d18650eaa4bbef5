;; memory.grow by the given number of 64 KiB pages from one page.
(module
  (memory 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)
