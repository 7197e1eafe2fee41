#include <stdio.h>
#include <stdint.h>
#include <string.h>

static inline void clr(void) { asm volatile("csrw fflags, zero"); }
static inline unsigned flags(void) { unsigned f; asm volatile("csrr %0, fflags" : "=r"(f)); return f; }

#define S2(OP, RM) static uint32_t OP##_##RM(uint32_t a, uint32_t b, unsigned *fl) { \
  float fa, fb, fr; memcpy(&fa,&a,4); memcpy(&fb,&b,4); clr(); \
  asm volatile(#OP ".s %0, %1, %2, " #RM : "=f"(fr) : "f"(fa), "f"(fb)); *fl = flags(); uint32_t r; memcpy(&r,&fr,4); return r; }
#define D2(OP, RM) static uint64_t OP##d_##RM(uint64_t a, uint64_t b, unsigned *fl) { \
  double fa, fb, fr; memcpy(&fa,&a,8); memcpy(&fb,&b,8); clr(); \
  asm volatile(#OP ".d %0, %1, %2, " #RM : "=f"(fr) : "f"(fa), "f"(fb)); *fl = flags(); uint64_t r; memcpy(&r,&fr,8); return r; }
#define ALLRM(M, OP) M(OP, rne) M(OP, rtz) M(OP, rdn) M(OP, rup) M(OP, rmm)
ALLRM(S2, fadd) ALLRM(S2, fmul) ALLRM(S2, fdiv) ALLRM(D2, fadd) ALLRM(D2, fmul) ALLRM(D2, fdiv)
#define SQ(RM) static uint32_t fsqrts_##RM(uint32_t a, unsigned *fl){ float fa, fr; memcpy(&fa,&a,4); clr(); asm volatile("fsqrt.s %0, %1, " #RM : "=f"(fr) : "f"(fa)); *fl=flags(); uint32_t r; memcpy(&r,&fr,4); return r;} \
 static uint64_t fsqrtd_##RM(uint64_t a, unsigned *fl){ double fa, fr; memcpy(&fa,&a,8); clr(); asm volatile("fsqrt.d %0, %1, " #RM : "=f"(fr) : "f"(fa)); *fl=flags(); uint64_t r; memcpy(&r,&fr,8); return r;} \
 static uint64_t fmad_##RM(uint64_t a, uint64_t b, uint64_t c, unsigned *fl){ double fa, fb, fc, fr; memcpy(&fa,&a,8); memcpy(&fb,&b,8); memcpy(&fc,&c,8); clr(); asm volatile("fmadd.d %0, %1, %2, %3, " #RM : "=f"(fr) : "f"(fa), "f"(fb), "f"(fc)); *fl=flags(); uint64_t r; memcpy(&r,&fr,8); return r;} \
 static uint32_t fmas_##RM(uint32_t a, uint32_t b, uint32_t c, unsigned *fl){ float fa, fb, fc, fr; memcpy(&fa,&a,4); memcpy(&fb,&b,4); memcpy(&fc,&c,4); clr(); asm volatile("fmadd.s %0, %1, %2, %3, " #RM : "=f"(fr) : "f"(fa), "f"(fb), "f"(fc)); *fl=flags(); uint32_t r; memcpy(&r,&fr,4); return r;} \
 static int64_t cvtws_##RM(uint32_t a, unsigned *fl){ float fa; memcpy(&fa,&a,4); int64_t r; clr(); asm volatile("fcvt.w.s %0, %1, " #RM : "=r"(r) : "f"(fa)); *fl=flags(); return r;} \
 static int64_t cvtld_##RM(uint64_t a, unsigned *fl){ double fa; memcpy(&fa,&a,8); int64_t r; clr(); asm volatile("fcvt.l.d %0, %1, " #RM : "=r"(r) : "f"(fa)); *fl=flags(); return r;} \
 static int64_t cvtwud_##RM(uint64_t a, unsigned *fl){ double fa; memcpy(&fa,&a,8); int64_t r; clr(); asm volatile("fcvt.wu.d %0, %1, " #RM : "=r"(r) : "f"(fa)); *fl=flags(); return r;} \
 static int64_t cvtlud_##RM(uint64_t a, unsigned *fl){ double fa; memcpy(&fa,&a,8); int64_t r; clr(); asm volatile("fcvt.lu.d %0, %1, " #RM : "=r"(r) : "f"(fa)); *fl=flags(); return r;} \
 static uint32_t cvtsd_##RM(uint64_t a, unsigned *fl){ double fa; float fr; memcpy(&fa,&a,8); clr(); asm volatile("fcvt.s.d %0, %1, " #RM : "=f"(fr) : "f"(fa)); *fl=flags(); uint32_t r; memcpy(&r,&fr,4); return r;} \
 static uint64_t cvtdl_##RM(int64_t a, unsigned *fl){ double fr; clr(); asm volatile("fcvt.d.l %0, %1, " #RM : "=f"(fr) : "r"(a)); *fl=flags(); uint64_t r; memcpy(&r,&fr,8); return r;} \
 static uint32_t cvtslu_##RM(uint64_t a, unsigned *fl){ float fr; clr(); asm volatile("fcvt.s.lu %0, %1, " #RM : "=f"(fr) : "r"(a)); *fl=flags(); uint32_t r; memcpy(&r,&fr,4); return r;}
SQ(rne) SQ(rtz) SQ(rdn) SQ(rup) SQ(rmm)

#define P5S(name, expr) { unsigned f; printf("%s :", name); \
  {uint32_t r = expr##_rne(A,B,&f); printf(" %x/%x", r, f);} {uint32_t r = expr##_rtz(A,B,&f); printf(" %x/%x", r, f);} \
  {uint32_t r = expr##_rdn(A,B,&f); printf(" %x/%x", r, f);} {uint32_t r = expr##_rup(A,B,&f); printf(" %x/%x", r, f);} \
  {uint32_t r = expr##_rmm(A,B,&f); printf(" %x/%x", r, f);} printf("\n"); }
#define P5D(name, expr) { unsigned f; printf("%s :", name); \
  {uint64_t r = expr##_rne(A,B,&f); printf(" %llx/%x", (unsigned long long)r, f);} {uint64_t r = expr##_rtz(A,B,&f); printf(" %llx/%x", (unsigned long long)r, f);} \
  {uint64_t r = expr##_rdn(A,B,&f); printf(" %llx/%x", (unsigned long long)r, f);} {uint64_t r = expr##_rup(A,B,&f); printf(" %llx/%x", (unsigned long long)r, f);} \
  {uint64_t r = expr##_rmm(A,B,&f); printf(" %llx/%x", (unsigned long long)r, f);} printf("\n"); }
#define ID1(x) x
#define P5_1(name, fn, fmt, T) { unsigned f; printf("%s :", name); \
  {T r = fn##_rne(A,&f); printf(" " fmt "/%x", r, f);} {T r = fn##_rtz(A,&f); printf(" " fmt "/%x", r, f);} \
  {T r = fn##_rdn(A,&f); printf(" " fmt "/%x", r, f);} {T r = fn##_rup(A,&f); printf(" " fmt "/%x", r, f);} \
  {T r = fn##_rmm(A,&f); printf(" " fmt "/%x", r, f);} printf("\n"); }
#define P5_3(name, fn, fmt, T) { unsigned f; printf("%s :", name); \
  {T r = fn##_rne(A,B,C,&f); printf(" " fmt "/%x", r, f);} {T r = fn##_rtz(A,B,C,&f); printf(" " fmt "/%x", r, f);} \
  {T r = fn##_rdn(A,B,C,&f); printf(" " fmt "/%x", r, f);} {T r = fn##_rup(A,B,C,&f); printf(" " fmt "/%x", r, f);} \
  {T r = fn##_rmm(A,B,C,&f); printf(" " fmt "/%x", r, f);} printf("\n"); }

int main(void) {
  uint64_t A, B, C; char n[128];
#define NM(op, k) do { if (k==1) sprintf(n, "%s %llx", op, (unsigned long long)A); else if (k==2) sprintf(n, "%s %llx %llx", op, (unsigned long long)A, (unsigned long long)B); else sprintf(n, "%s %llx %llx %llx", op, (unsigned long long)A, (unsigned long long)B, (unsigned long long)C); } while (0)
  A = 0x3f800000; B = 0x33800000; NM("fadd.s",2); P5S(n, fadd)
  A = 0xbf800000; B = 0xb3800000; NM("fadd.s",2); P5S(n, fadd)
  A = 0x3f800000; B = 0x33000000; NM("fadd.s",2); P5S(n, fadd)
  A = 0x3f800001; B = 0x3f800001; NM("fmul.s",2); P5S(n, fmul)
  A = 0x3f800000; B = 0x40400000; NM("fdiv.s",2); P5S(n, fdiv)
  A = 0xbf800000; B = 0x40400000; NM("fdiv.s",2); P5S(n, fdiv)
  A = 0x7f7fffff; B = 0x40000000; NM("fmul.s",2); P5S(n, fmul)
  A = 0x00800000; B = 0x3f000000; NM("fmul.s",2); P5S(n, fmul)
  A = 0x3ff0000000000000ULL; B = 0x3ca0000000000000ULL; NM("fadd.d",2); P5D(n, faddd)
  A = 0x3ff0000000000001ULL; B = 0x3ff0000000000001ULL; NM("fmul.d",2); P5D(n, fmuld)
  A = 0x3ff0000000000000ULL; B = 0x4008000000000000ULL; NM("fdiv.d",2); P5D(n, fdivd)
  A = 0xbff0000000000000ULL; B = 0x4008000000000000ULL; NM("fdiv.d",2); P5D(n, fdivd)
  A = 0x3ff0000000000000ULL; B = 0; NM("fdiv.d",2); P5D(n, fdivd)
  A = 0; B = 0; NM("fdiv.d",2); P5D(n, fdivd)
  A = 0x3ff0000000000000ULL; B = 0xbff0000000000000ULL; NM("fadd.d",2); P5D(n, faddd)
  A = 0x0010000000000001ULL; B = 0x3fe0000000000000ULL; NM("fmul.d",2); P5D(n, fmuld)
  A = 0x7fefffffffffffffULL; B = 0x7fefffffffffffffULL; NM("fadd.d",2); P5D(n, faddd)
  A = 0x40000000; NM("fsqrt.s",1); P5_1(n, fsqrts, "%x", uint32_t)
  A = 0x4000000000000000ULL; NM("fsqrt.d",1); P5_1(n, fsqrtd, "%llx", unsigned long long)
  A = 0xbff0000000000000ULL; NM("fsqrt.d",1); P5_1(n, fsqrtd, "%llx", unsigned long long)
  A = 0xbc80000000000000ULL; B = 0x0010000000000000ULL; C = 0x0010000000000000ULL; NM("fmadd.d",3); P5_3(n, fmad, "%llx", unsigned long long)
  A = 0x3f800001; B = 0x3f800001; C = 0xbf800000; NM("fmadd.s",3); P5_3(n, fmas, "%x", uint32_t)
  A = 0x3f800000; B = 0x33800000; C = 0x3f800000; NM("fmadd.s",3); P5_3(n, fmas, "%x", uint32_t)
  A = 0x3ff0000000000000ULL; B = 0x3ff0000000000000ULL; C = 0xbff0000000000000ULL; NM("fmadd.d",3); P5_3(n, fmad, "%llx", unsigned long long)
  uint64_t sv[] = {0x7fc00000, 0x7f800001, 0x7f800000, 0xff800000, 0x4f000000, 0xcf000001, 0xbf000000, 0x3f000000, 0x3fc00000, 0xc0200000, 0x80000000};
  for (int i = 0; i < 11; i++) { A = sv[i]; sprintf(n, "fcvt.w.s %llx", (unsigned long long)A); P5_1(n, cvtws, "%llx", long long) }
  uint64_t dv[] = {0x7ff8000000000000ULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x43e0000000000000ULL, 0xc3e0000000000000ULL, 0xc3e0000000000001ULL, 0xbfe0000000000000ULL, 0x3fe0000000000000ULL, 0x3ff8000000000000ULL, 0xc004000000000000ULL, 0x43dfffffffffffffULL};
  for (int i = 0; i < 11; i++) { A = dv[i]; sprintf(n, "fcvt.l.d %llx", (unsigned long long)A); P5_1(n, cvtld, "%llx", long long) }
  uint64_t uv[] = {0x7ff8000000000000ULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x41f0000000000000ULL, 0x41efffffffe00000ULL, 0xbfe0000000000000ULL, 0xbff0000000000000ULL, 0xbfefffffffffffffULL, 0x41e0000000000000ULL};
  for (int i = 0; i < 9; i++) { A = uv[i]; sprintf(n, "fcvt.wu.d %llx", (unsigned long long)A); P5_1(n, cvtwud, "%llx", long long) }
  uint64_t lv[] = {0x43f0000000000000ULL, 0x43efffffffffffffULL, 0x43e0000000000000ULL, 0xbfe0000000000000ULL, 0x7ff8000000000000ULL};
  for (int i = 0; i < 5; i++) { A = lv[i]; sprintf(n, "fcvt.lu.d %llx", (unsigned long long)A); P5_1(n, cvtlud, "%llx", long long) }
  uint64_t cv[] = {0x3ff0000010000000ULL, 0x3ff0000030000000ULL, 0x47efffffffffffffULL, 0x47effffff0000000ULL, 0x36a0000000000000ULL, 0x3810000000000000ULL, 0x380fffffe0000000ULL, 0x7ff4000000000000ULL};
  for (int i = 0; i < 8; i++) { A = cv[i]; sprintf(n, "fcvt.s.d %llx", (unsigned long long)A); P5_1(n, cvtsd, "%x", uint32_t) }
  int64_t iv[] = {0x7fffffffffffffffLL, -0x7fffffffffffffffLL - 1, 0x20000000000001LL, -0x20000000000003LL};
  for (int i = 0; i < 4; i++) { A = iv[i]; sprintf(n, "fcvt.d.l %llx", (unsigned long long)A); P5_1(n, cvtdl, "%llx", unsigned long long) }
  uint64_t ulv[] = {0xffffffffffffffffULL, 0x1000001ULL, 0x8000008000000001ULL};
  for (int i = 0; i < 3; i++) { A = ulv[i]; sprintf(n, "fcvt.s.lu %llx", (unsigned long long)A); P5_1(n, cvtslu, "%x", uint32_t) }

  {
    uint32_t mv[][2] = {{0x7f800001,0x3f800000},{0x3f800000,0x7fc00000},{0x7fc00000,0x7fc00000},{0x7f800001,0x7f800001},{0x80000000,0x00000000},{0x00000000,0x80000000}};
    for (int i = 0; i < 6; i++) { float a, b, r1, r2; memcpy(&a,&mv[i][0],4); memcpy(&b,&mv[i][1],4); unsigned f1, f2; uint32_t o1, o2;
      clr(); asm volatile("fmin.s %0, %1, %2" : "=f"(r1) : "f"(a), "f"(b)); f1 = flags();
      clr(); asm volatile("fmax.s %0, %1, %2" : "=f"(r2) : "f"(a), "f"(b)); f2 = flags();
      memcpy(&o1,&r1,4); memcpy(&o2,&r2,4);
      printf("fmin.s %x %x : %x/%x\nfmax.s %x %x : %x/%x\n", mv[i][0], mv[i][1], o1, f1, mv[i][0], mv[i][1], o2, f2); }
    uint64_t dmv[][2] = {{0x7ff0000000000001ULL,0xbff0000000000000ULL},{0x8000000000000000ULL,0}, {0x7ff8000000000000ULL,0x7ff4000000000000ULL}};
    for (int i = 0; i < 3; i++) { double a, b, r1, r2; memcpy(&a,&dmv[i][0],8); memcpy(&b,&dmv[i][1],8); unsigned f1, f2; uint64_t o1, o2;
      clr(); asm volatile("fmin.d %0, %1, %2" : "=f"(r1) : "f"(a), "f"(b)); f1 = flags();
      clr(); asm volatile("fmax.d %0, %1, %2" : "=f"(r2) : "f"(a), "f"(b)); f2 = flags();
      memcpy(&o1,&r1,8); memcpy(&o2,&r2,8);
      printf("fmin.d %llx %llx : %llx/%x\nfmax.d %llx %llx : %llx/%x\n", (unsigned long long)dmv[i][0], (unsigned long long)dmv[i][1], (unsigned long long)o1, f1, (unsigned long long)dmv[i][0], (unsigned long long)dmv[i][1], (unsigned long long)o2, f2); }
    uint32_t cmv[][2] = {{0x7fc00000,0x3f800000},{0x7f800001,0x3f800000},{0x80000000,0x00000000}};
    for (int i = 0; i < 3; i++) { float a, b; memcpy(&a,&cmv[i][0],4); memcpy(&b,&cmv[i][1],4); long r; unsigned f;
      clr(); asm volatile("feq.s %0, %1, %2" : "=r"(r) : "f"(a), "f"(b)); f = flags(); printf("feq.s %x %x : %lx/%x\n", cmv[i][0], cmv[i][1], r, f);
      clr(); asm volatile("flt.s %0, %1, %2" : "=r"(r) : "f"(a), "f"(b)); f = flags(); printf("flt.s %x %x : %lx/%x\n", cmv[i][0], cmv[i][1], r, f);
      clr(); asm volatile("fle.s %0, %1, %2" : "=r"(r) : "f"(a), "f"(b)); f = flags(); printf("fle.s %x %x : %lx/%x\n", cmv[i][0], cmv[i][1], r, f); }
    uint64_t cls[] = {0xfff0000000000000ULL, 0xbff0000000000000ULL, 0x800fffffffffffffULL, 0x8000000000000000ULL, 0, 0x0000000000000001ULL, 0x3ff0000000000000ULL, 0x7ff0000000000000ULL, 0x7ff0000000000001ULL, 0x7ff8000000000000ULL};
    for (int i = 0; i < 10; i++) { double a; memcpy(&a,&cls[i],8); long r; asm volatile("fclass.d %0, %1" : "=r"(r) : "f"(a)); printf("fclass.d %llx : %lx/0\n", (unsigned long long)cls[i], r); }
    uint32_t clss[] = {0xff800000, 0xbf800000, 0x807fffff, 0x80000000, 0, 1, 0x3f800000, 0x7f800000, 0x7f800001, 0x7fc00000};
    for (int i = 0; i < 10; i++) { float a; memcpy(&a,&clss[i],4); long r; asm volatile("fclass.s %0, %1" : "=r"(r) : "f"(a)); printf("fclass.s %x : %lx/0\n", clss[i], r); }
    /* NaN boxing: a double bit pattern read as single */
    { double d = 1.0; float r; long cl; uint32_t o; clr(); asm volatile("fadd.s %0, %1, %1" : "=f"(r) : "f"(d)); unsigned f = flags(); memcpy(&o,&r,4);
      asm volatile("fclass.s %0, %1" : "=r"(cl) : "f"(d));
      printf("unboxed-fadd.s 3ff0000000000000 : %x/%x\nunboxed-fclass.s 3ff0000000000000 : %lx/0\n", o, f, cl); }
    { float a; uint32_t v = 0x80000001; memcpy(&a,&v,4); long r; asm volatile("fmv.x.w %0, %1" : "=r"(r) : "f"(a)); printf("fmv.x.w %x : %lx/0\n", v, r); }
    { double d = 1.0; long r; asm volatile("fmv.x.w %0, %1" : "=r"(r) : "f"(d)); printf("unboxed-fmv.x.w 3ff0000000000000 : %lx/0\n", r); }
    { float a; uint32_t v = 0x7f800001; memcpy(&a,&v,4); double r; uint64_t o; clr(); asm volatile("fcvt.d.s %0, %1" : "=f"(r) : "f"(a)); unsigned f = flags(); memcpy(&o,&r,8); printf("fcvt.d.s %x : %llx/%x\n", v, (unsigned long long)o, f); }
    { float a, b, r; uint32_t va = 0x7fc12345, vb = 0x3f800000, o; memcpy(&a,&va,4); memcpy(&b,&vb,4); clr(); asm volatile("fadd.s %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); unsigned f = flags(); memcpy(&o,&r,4); printf("fadd.s %x %x : %x/%x\n", va, vb, o, f); }
  }
  return 0;
}
