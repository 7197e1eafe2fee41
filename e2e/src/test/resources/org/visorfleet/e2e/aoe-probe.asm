; aoe-probe.asm — boot sector that proves a SAN disk works end to end.
;
; Started by the BIOS or by iPXE `sanboot` at 0000:7C00 with the BIOS drive number in DL.
; Assemble: nasm -f bin [-DFIRST_LBA=1 -DSECTORS=2048 -DCHUNK=64 -DWRITE_LBA=4100] aoe-probe.asm
; (BootDisk passes all four, so Java stays the single source of truth for the layout.)
;
; Steps, each reported on COM1 (0x3F8, 8N1, one line each, CR LF):
;   AOE-BOOT dl=xx               the sector runs; xx is the drive number it was given
;   AOE-CHECKSUM xxxxxxxx        FNV-1a 32 over the bytes of LBAs FIRST_LBA .. FIRST_LBA+SECTORS-1,
;                                read with INT 13h AH=42h, CHUNK sectors per call
;   AOE-WRITE OK | AOE-WRITE FAIL  one sector of "VISORFLEET-WRITE" x 32 written at WRITE_LBA with
;                                AH=43h, read back with AH=42h into another buffer, compared
;   AOE-ERROR ah=xx fn=yy        INT 13h function yy failed with status xx (fn=41 ah=01 also means
;                                "extensions missing"); nothing follows
; Then it writes to the isa-debug-exit port 0xF4 (QEMU exit status = value*2+1: 1 on success,
; 3 on AOE-ERROR or AOE-WRITE FAIL) and halts if that device is absent.
;
; Memory (all below 640 KiB, clear of the IVT/BDA and of this sector):
;   0000:0600  512-byte write pattern      0000:0800  512-byte read-back buffer
;   0000:7C00  this sector, stack below    1000:0000  chunk buffer, CHUNK*512 bytes (≤ 64 KiB)

bits 16
org 0x7C00

%ifndef FIRST_LBA
  %define FIRST_LBA 1
%endif
%ifndef SECTORS
  %define SECTORS 2048
%endif
%ifndef CHUNK
  %define CHUNK 64
%endif
%ifndef WRITE_LBA
  %define WRITE_LBA 4100
%endif
%if CHUNK < 1 || CHUNK > 127
  %error "CHUNK must be 1..127 (EDD limit, and CHUNK*512 must fit one segment)"
%endif
%if SECTORS % CHUNK != 0
  %error "SECTORS must be a multiple of CHUNK"
%endif

COM1      equ 0x3F8
EXIT_PORT equ 0xF4
PATTERN   equ 0x0600
READBACK  equ 0x0800
CHUNK_SEG equ 0x1000

; Size matters (510 bytes): CS is never used for data, so a 07C0:0000 entry is harmless; the DAP,
; hash and counters are initialised statically; COM1 is set up by INT 14h AH=00h.
start:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax                  ; mov ss masks interrupts for the next instruction
    mov sp, 0x7C00
    cld
    mov [drive], dl
    mov ax, 0x00E3              ; INT 14h init COM1: 9600 8N1 (the rate is irrelevant in QEMU;
    xor dx, dx                  ; what matters is that DLAB ends up clear)
    int 0x14
    mov si, msg_boot
    call puts
    mov al, [drive]
    call print_hex8
    call crlf

    ; INT 13h extensions: CF clear, BX = AA55h and CX bit 0 (fixed-disk access subset).
    mov ah, 0x41
    mov bx, 0x55AA
    mov dl, [drive]
    int 0x13
    mov al, 0x41
    jc fail
    mov ah, 0x01
    cmp bx, 0xAA55
    jne fail
    test cl, 1
    jz fail

    ; Checksum: FNV-1a 32 (h ^= byte; h *= 16777619) over SECTORS sectors from FIRST_LBA.
next_chunk:
    mov ah, 0x42
    call disk_call
    push ds
    mov eax, [hash]
    mov bx, CHUNK_SEG
    mov ds, bx
    xor si, si
    mov cx, CHUNK * 512
fnv:
    xor al, [si]
    imul eax, eax, 0x01000193
    inc si
    loop fnv
    pop ds
    mov [hash], eax
    add dword [dap_lba], CHUNK
    dec word [chunks]
    jnz next_chunk
    mov si, msg_sum
    call puts
    mov eax, [hash]
    mov cx, 8
    call print_hex
    call crlf

    ; Write test: pattern → WRITE_LBA (AH=43h, AL=0 no verify), read back, compare.
    mov di, PATTERN
    mov bx, 32
fill:
    mov si, tag
    mov cx, 16
    rep movsb
    dec bx
    jnz fill
    mov di, READBACK            ; zeroed so a read that "succeeds" without data cannot pass
    xor ax, ax
    mov cx, 256
    rep stosw
    mov dword [dap_lba], WRITE_LBA
    mov word [dap_count], 1
    mov word [dap_off], PATTERN
    mov word [dap_seg], 0
    mov ax, 0x4300
    call disk_call
    mov word [dap_off], READBACK  ; count is still 1: EDD returns the blocks transferred
    mov ah, 0x42
    call disk_call
    mov si, PATTERN
    mov di, READBACK
    mov cx, 512
    repe cmpsb
    mov si, msg_write_ok
    mov al, 0
    je done
    mov si, msg_write_fail
    mov al, 1
done:
    push ax
    call puts
    pop ax
exit:                           ; AL = exit value
    out EXIT_PORT, al
halt:
    cli
    hlt
    jmp halt

; INT 13h extended call AH through the DAP; returns only on success.
disk_call:
    mov si, dap
    mov dl, [drive]
    push ax
    int 0x13
    pop bx
    jnc .ok
    mov al, bh                  ; fn = the AH we called with, status = AH returned
    jmp fail
.ok:
    ret

; AH = status, AL = function: print AOE-ERROR and exit.
fail:
    push ax
    mov si, msg_err
    call puts
    pop ax
    push ax
    mov al, ah
    call print_hex8
    mov si, msg_fn
    call puts
    pop ax
    call print_hex8
    call crlf
    mov al, 1
    jmp exit

puts:                           ; DS:SI zero-terminated
    lodsb
    test al, al
    jz .end
    call putc
    jmp puts
.end:
    ret

crlf:
    mov al, 13
    call putc
    mov al, 10
putc:                           ; AL; waits for the transmit holding register
    push dx
    push ax
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop ax
    mov dx, COM1
    out dx, al
    pop dx
    ret

print_hex8:                     ; AL
    shl eax, 24
    mov cx, 2
print_hex:                      ; top CX nibbles of EAX, lower-case
    rol eax, 4
    push eax
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .digit
    add al, 'a' - '0' - 10
.digit:
    call putc
    pop eax
    loop print_hex
    ret

msg_boot:       db "AOE-BOOT dl=", 0
msg_sum:        db "AOE-CHECKSUM ", 0
msg_write_ok:   db "AOE-WRITE OK", 13, 10, 0
msg_write_fail: db "AOE-WRITE FAIL", 13, 10, 0
msg_err:        db "AOE-ERROR ah=", 0
msg_fn:         db " fn=", 0
tag:            db "VISORFLEET-WRITE"

dap:            db 0x10, 0      ; EDD disk address packet, set up for the first chunk
dap_count:      dw CHUNK
dap_off:        dw 0
dap_seg:        dw CHUNK_SEG
dap_lba:        dq FIRST_LBA
hash:           dd 0x811C9DC5   ; FNV-1a 32 offset basis
chunks:         dw SECTORS / CHUNK
drive:          db 0

    times 510 - ($ - $$) db 0
    dw 0xAA55
