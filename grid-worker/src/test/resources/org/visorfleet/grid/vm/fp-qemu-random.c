/* Random FP vectors: riscv64-linux-gnu-gcc -O1 -static -march=rv64gc -o rnd fp-qemu-random.c && qemu-riscv64 ./rnd */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
static uint64_t st = 0x9E3779B97F4A7C15ULL;
static uint64_t nxt(void) { st ^= st << 13; st ^= st >> 7; st ^= st << 17; return st; }
static uint64_t rd(void) { /* doubles with interesting exponents */
  uint64_t r = nxt(); int k = nxt() % 6; uint64_t sign = r & 0x8000000000000000ULL; uint64_t frac = r & 0xfffffffffffffULL;
  if (k == 0) return r; if (k == 1) return sign | (0x3ffULL << 52) | (frac & 0xffffffULL);
  if (k == 2) return sign | ((uint64_t)(nxt() % 60) << 52) | frac; if (k == 3) return sign | ((uint64_t)(0x7fe - nxt() % 60) << 52) | frac;
  return sign | ((uint64_t)(0x3ff - 40 + nxt() % 80) << 52) | frac; }
static uint32_t rs(void) { uint32_t r = (uint32_t)nxt(); int k = nxt() % 6; uint32_t sign = r & 0x80000000u; uint32_t frac = r & 0x7fffff;
  if (k == 0) return r; if (k == 1) return sign | (127u << 23) | (frac & 0xfff);
  if (k == 2) return sign | ((uint32_t)(nxt() % 30) << 23) | frac; if (k == 3) return sign | ((uint32_t)(254 - nxt() % 30) << 23) | frac;
  return sign | ((uint32_t)(127 - 20 + nxt() % 40) << 23) | frac; }
static inline void clr(void) { asm volatile("csrw fflags, zero"); }
static inline unsigned fl(void) { unsigned f; asm volatile("csrr %0, fflags" : "=r"(f)); return f; }
#define SETRM(m) asm volatile("fsrm %0" :: "r"(m))
int main(void) {
  for (int i = 0; i < 400; i++) {
    uint64_t a = rd(), b = rd(), c = rd(); uint32_t x = rs(), y = rs(), z = rs();
    double da, db, dc, dr; float fx, fy, fz, fr; memcpy(&da,&a,8); memcpy(&db,&b,8); memcpy(&dc,&c,8); memcpy(&fx,&x,4); memcpy(&fy,&y,4); memcpy(&fz,&z,4);
    uint64_t o; uint32_t p;
#define D2(NAME, INSN) printf(NAME " %llx %llx :", (unsigned long long)a, (unsigned long long)b); for (int m = 0; m < 5; m++) { SETRM(m); clr(); asm volatile(INSN " %0, %1, %2, dyn" : "=f"(dr) : "f"(da), "f"(db)); unsigned f = fl(); memcpy(&o,&dr,8); printf(" %llx/%x", (unsigned long long)o, f); } printf("\n");
#define S2(NAME, INSN) printf(NAME " %x %x :", x, y); for (int m = 0; m < 5; m++) { SETRM(m); clr(); asm volatile(INSN " %0, %1, %2, dyn" : "=f"(fr) : "f"(fx), "f"(fy)); unsigned f = fl(); memcpy(&p,&fr,4); printf(" %x/%x", p, f); } printf("\n");
    D2("fadd.d", "fadd.d") D2("fmul.d", "fmul.d") D2("fdiv.d", "fdiv.d")
    S2("fadd.s", "fadd.s") S2("fmul.s", "fmul.s") S2("fdiv.s", "fdiv.s")
    printf("fmadd.d %llx %llx %llx :", (unsigned long long)a, (unsigned long long)b, (unsigned long long)c); for (int m = 0; m < 5; m++) { SETRM(m); clr(); asm volatile("fmadd.d %0, %1, %2, %3, dyn" : "=f"(dr) : "f"(da), "f"(db), "f"(dc)); unsigned f = fl(); memcpy(&o,&dr,8); printf(" %llx/%x", (unsigned long long)o, f); } printf("\n");
    printf("fmadd.s %x %x %x :", x, y, z); for (int m = 0; m < 5; m++) { SETRM(m); clr(); asm volatile("fmadd.s %0, %1, %2, %3, dyn" : "=f"(fr) : "f"(fx), "f"(fy), "f"(fz)); unsigned f = fl(); memcpy(&p,&fr,4); printf(" %x/%x", p, f); } printf("\n");
    uint64_t aa = a & 0x7fffffffffffffffULL; double daa; memcpy(&daa,&aa,8);
    printf("fsqrt.d %llx :", (unsigned long long)aa); for (int m = 0; m < 5; m++) { SETRM(m); clr(); asm volatile("fsqrt.d %0, %1, dyn" : "=f"(dr) : "f"(daa)); unsigned f = fl(); memcpy(&o,&dr,8); printf(" %llx/%x", (unsigned long long)o, f); } printf("\n");
    printf("fcvt.s.d %llx :", (unsigned long long)a); for (int m = 0; m < 5; m++) { SETRM(m); clr(); asm volatile("fcvt.s.d %0, %1, dyn" : "=f"(fr) : "f"(da)); unsigned f = fl(); memcpy(&p,&fr,4); printf(" %x/%x", p, f); } printf("\n");
    printf("fcvt.l.d %llx :", (unsigned long long)a); for (int m = 0; m < 5; m++) { SETRM(m); clr(); long r; asm volatile("fcvt.l.d %0, %1, dyn" : "=r"(r) : "f"(da)); unsigned f = fl(); printf(" %lx/%x", r, f); } printf("\n");
    printf("fcvt.d.l %llx :", (unsigned long long)a); for (int m = 0; m < 5; m++) { SETRM(m); clr(); asm volatile("fcvt.d.l %0, %1, dyn" : "=f"(dr) : "r"(a)); unsigned f = fl(); memcpy(&o,&dr,8); printf(" %llx/%x", (unsigned long long)o, f); } printf("\n");
  }
  return 0;
}
