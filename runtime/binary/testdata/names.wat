;; A name section as `wat2wasm --debug-names` writes it: module, function and
;; local names (names of other kinds would add subsections kwasm's model drops).
(module $names
  (import "env" "imported" (func $imported (param i32)))
  (func $first (param $a i32) (param i64) (local $x f32) (local $y f32) (local i32)
    local.get $a
    call $imported)
  (func (param $only i32))
  (func $with.punct~uation!)
  (func $third (local $z v128))
)
