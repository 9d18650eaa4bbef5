;; A command written against `wasi_unstable` (preview0), whose ABI differs
;; from preview1 in exactly the places checked here:
;;   - fd_seek's whence is numbered CUR 0, END 1, SET 2 (preview1: SET 0, CUR 1, END 2);
;;   - filestat is 56 bytes with a u32 nlink at 20, size at 24 (preview1: 64, u64 nlink, size at 32);
;;   - a clock subscription carries a u64 identifier before the clock id, so the
;;     subscription is 56 bytes with the clock id at 24 (preview1: 48, id at 16).
;; Run with a writable preopen at fd 3. Each failed check sets one bit of the
;; exit code (bit 0 = check 1, ...); on success it prints "preview0 ok".
(module
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get"
    (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)

  ;; 16: path, 32: file contents, 64: iovec, 72: nwritten, 80: fd, 88: new offset,
  ;; 128: filestat (56 bytes) + 8 guard bytes, 256: subscription, 320: event,
  ;; 360: nevents, 400: message, 420: its iovec.
  (data (i32.const 16) "p0.txt")
  (data (i32.const 32) "0123456789")
  (data (i32.const 64) "\20\00\00\00\0a\00\00\00")
  (data (i32.const 400) "preview0 ok\n")
  (data (i32.const 420) "\90\01\00\00\0c\00\00\00")

  (func $fail (param $bits i32) (param $bit i32) (result i32)
    (i32.or (local.get $bits) (i32.shl (i32.const 1) (local.get $bit))))

  (func (export "_start")
    (local $f i32) (local $fd i32)
    ;; 1. create p0.txt: oflags CREAT|TRUNC, rights READ|WRITE|SEEK|TELL|FILESTAT_GET
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 6) (i32.const 9)
          (i64.const 0x200066) (i64.const 0) (i32.const 0) (i32.const 80))
      (then (call $proc_exit (i32.const 1))))
    (local.set $fd (i32.load (i32.const 80)))
    ;; 2. write 10 bytes
    (if (i32.or (call $fd_write (local.get $fd) (i32.const 64) (i32.const 1) (i32.const 72))
                (i32.ne (i32.load (i32.const 72)) (i32.const 10)))
      (then (local.set $f (call $fail (local.get $f) (i32.const 1)))))
    ;; 3. whence 2 is SET in preview0: 2 (preview1's 2 is END: 12)
    (if (i32.or (call $fd_seek (local.get $fd) (i64.const 2) (i32.const 2) (i32.const 88))
                (i64.ne (i64.load (i32.const 88)) (i64.const 2)))
      (then (local.set $f (call $fail (local.get $f) (i32.const 2)))))
    ;; 4. whence 0 is CUR: 2 + 1 (preview1's 0 is SET: 1)
    (if (i32.or (call $fd_seek (local.get $fd) (i64.const 1) (i32.const 0) (i32.const 88))
                (i64.ne (i64.load (i32.const 88)) (i64.const 3)))
      (then (local.set $f (call $fail (local.get $f) (i32.const 3)))))
    ;; 5. whence 1 is END: 10 - 3 (preview1's 1 is CUR)
    (if (i32.or (call $fd_seek (local.get $fd) (i64.const -3) (i32.const 1) (i32.const 88))
                (i64.ne (i64.load (i32.const 88)) (i64.const 7)))
      (then (local.set $f (call $fail (local.get $f) (i32.const 4)))))
    ;; 6. fd_filestat_get: filetype at 16 (regular file 4), u32 nlink at 20, size at 24,
    ;;    and nothing written past 56 bytes (the guard at 128+56 keeps 0xAA)
    (memory.fill (i32.const 128) (i32.const 0xaa) (i32.const 64))
    (if (i32.or
          (i32.or (call $fd_filestat_get (local.get $fd) (i32.const 128))
                  (i32.ne (i32.load8_u (i32.const 144)) (i32.const 4)))
          (i32.or
            (i32.or (i32.ne (i32.load (i32.const 148)) (i32.const 1))
                    (i64.ne (i64.load (i32.const 152)) (i64.const 10)))
            (i32.ne (i32.load8_u (i32.const 184)) (i32.const 0xaa))))
      (then (local.set $f (call $fail (local.get $f) (i32.const 5)))))
    ;; 7. path_filestat_get: the same layout
    (memory.fill (i32.const 128) (i32.const 0) (i32.const 56))
    (if (i32.or (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 6)
                  (i32.const 128))
                (i64.ne (i64.load (i32.const 152)) (i64.const 10)))
      (then (local.set $f (call $fail (local.get $f) (i32.const 6)))))
    ;; 8. poll_oneoff with one relative 1 ms clock on MONOTONIC (1): userdata 0x1234,
    ;;    identifier 0x5678 at 16, clock id at 24, timeout at 32. Read with preview1's
    ;;    layout the clock id would be 0x5678, an unknown clock (error in the event).
    (i64.store (i32.const 256) (i64.const 0x1234))
    (i32.store8 (i32.const 264) (i32.const 0))
    (i64.store (i32.const 272) (i64.const 0x5678))
    (i32.store (i32.const 280) (i32.const 1))
    (i64.store (i32.const 288) (i64.const 1000000))
    (i64.store (i32.const 296) (i64.const 0))
    (i32.store16 (i32.const 304) (i32.const 0))
    (if (i32.or
          (i32.or (call $poll_oneoff (i32.const 256) (i32.const 320) (i32.const 1) (i32.const 360))
                  (i32.ne (i32.load (i32.const 360)) (i32.const 1)))
          (i32.or
            (i64.ne (i64.load (i32.const 320)) (i64.const 0x1234))
            (i32.or (i32.load16_u (i32.const 328)) (i32.load8_u (i32.const 330)))))
      (then (local.set $f (call $fail (local.get $f) (i32.const 7)))))
    ;; 9. close
    (if (call $fd_close (local.get $fd))
      (then (local.set $f (call $fail (local.get $f) (i32.const 8)))))
    (if (i32.eqz (local.get $f))
      (then (drop (call $fd_write (i32.const 1) (i32.const 420) (i32.const 1) (i32.const 72)))))
    (call $proc_exit (local.get $f))))
