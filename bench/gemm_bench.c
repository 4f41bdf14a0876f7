/* GEMM kernels on the forward pass's shapes, one thread, CPU time: OpenBLAS sgemm (as it detects the CPU,
   or OPENBLAS_CORETYPE set in this command only) against CKernels' packed fp32 and bf16 kernels,
   with the max difference to OpenBLAS. Build and run (see bench/README.md):
     clang -O2 -ISources/CKernels/include bench/gemm_bench.c Sources/CKernels/gemm.c -lopenblas -lm -o /tmp/gemm_bench && /tmp/gemm_bench */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>
#include <cblas.h>
#include "ckforward.h"
static double cpu(){struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t); return t.tv_sec+t.tv_nsec*1e-9;}
void openblas_set_num_threads(int);
char *openblas_get_corename(void);
int main(int argc,char**argv){
  openblas_set_num_threads(1);
  int shapes[][3]={{2048,384,1536},{2048,1536,384},{2048,384,1152},{2048,768,3072},{2048,3072,768},{512,384,1536}};
  for(int s=0;s<6;s++){int M=shapes[s][0],K=shapes[s][1],N=shapes[s][2];
    float*a=malloc(4L*M*K),*w=malloc(4L*K*N),*c1=malloc(4L*M*N),*c2=malloc(4L*M*N),*c3=malloc(4L*M*N),*bias=malloc(4L*N);
    for(long i=0;i<(long)M*K;i++)a[i]=(rand()/(float)RAND_MAX-0.5f);
    for(long i=0;i<(long)K*N;i++)w[i]=(rand()/(float)RAND_MAX-0.5f)*0.1f;
    for(int i=0;i<N;i++)bias[i]=i*0.01f;
    float*bp=aligned_alloc(64,4*ck_pack_f32_size(K,N)); ck_pack_f32(w,K,N,0,bp);
    uint16_t*bb=aligned_alloc(64,2*ck_pack_bf16_size(K,N)+64); ck_pack_bf16(w,K,N,0,bb);
    int P=(N+31)/32; double best1=1e9,best2=1e9,best3=1e9;
    for(int it=0;it<5;it++){
      double t0=cpu(); for(int i=0;i<M;i++) for(int j=0;j<N;j++) c1[(long)i*N+j]=bias[j];
      cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,M,N,K,1,a,K,w,N,1,c1,N); double t1=cpu();
      ck_gemm_f32_avx512(M,N,K,a,K,bp,bias,c2,N,0,0,P); double t2=cpu();
      ck_gemm_bf16_avx512(M,N,K,a,K,bb,bias,c3,N,0,0,P); double t3=cpu();
      if(t1-t0<best1)best1=t1-t0; if(t2-t1<best2)best2=t2-t1; if(t3-t2<best3)best3=t3-t2;}
    double e2=0,e3=0; for(long i=0;i<(long)M*N;i++){e2=fmax(e2,fabs(c1[i]-c2[i]));e3=fmax(e3,fabs(c1[i]-c3[i]));}
    double fl=2.0*M*N*K;
    printf("M %d K %d N %d: openblas (%s) %.1f GF/s  ours f32 %.1f GF/s (maxerr %.2g)  ours bf16 %.1f GF/s (maxerr %.2g)\n",M,K,N,openblas_get_corename(),fl/best1/1e9,fl/best2/1e9,e2,fl/best3/1e9,e3);
  }
}
