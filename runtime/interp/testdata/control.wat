;; Modules for the interpreter's control tests: suspension at host calls,
;; re-entry, fuel, interrupt, call depth, traps with backtraces, memory bound.
(module
  (import "host" "next" (func $next (param i32) (result i32)))
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (memory (export "memory") 1)

  ;; Sums next(i) for i in [0, n): every call may suspend.
  (func (export "sum_next") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (call $next (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s))

  ;; x * 2, called back by the host from inside reenter.
  (func (export "double") (param $x i32) (result i32)
    (i32.mul (local.get $x) (i32.const 2)))

  ;; 1 + reenter(x): the host calls "double" while this frame waits.
  (func (export "outer") (param $x i32) (result i32)
    (i32.add (i32.const 1) (call $reenter (local.get $x))))

  (func (export "spin") (loop $l (br $l)))

  (func $count (export "count") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))

  ;; Recurses n deep.
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get $n) (i32.const 1)))))))

  (func $divide (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))
  (func $middle (param $b i32) (result i32)
    (call $divide (i32.const 7) (local.get $b)))
  (func (export "div") (param $b i32) (result i32)
    (call $middle (local.get $b)))

  ;; Grows memory by one page at a time; returns the page count reached.
  (func (export "grow_all") (result i32)
    (block $done
      (loop $l
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $l)))
    (memory.size))
)
