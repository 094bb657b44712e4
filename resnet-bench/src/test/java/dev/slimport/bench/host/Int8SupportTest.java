/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.bench.engine.Int8Support;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Int8Support}: the quantized ops registered, the speed warning from the CPU flags. */
class Int8SupportTest {

    private static EnvironmentInfo cpu(String flags) {
        return EnvironmentInfo.detect(
                List.of(),
                List.of("processor\t: 0", "model name\t: Test CPU", "flags\t\t: " + flags),
                List.<String>of());
    }

    /** The speed warning is for CPUs with none of AVX512-VNNI, AVX-VNNI and AMX-INT8 (read from the CPU flags). */
    @Test
    void a_cpu_without_int8_dot_products_gets_a_speed_warning() {
        assertThat(Int8Support.speedWarning(cpu("fpu avx2 avx512f avx512_bf16")))
                .hasValueSatisfying(w ->
                        assertThat(w).startsWith("--precision int8: this CPU has no AVX512-VNNI/AVX-VNNI/AMX-INT8"));
        assertThat(Int8Support.speedWarning(cpu("fpu avx2 avx512f avx512_vnni")))
                .isEmpty();
        assertThat(Int8Support.speedWarning(cpu("fpu avx2 avx_vnni"))).isEmpty();
        assertThat(Int8Support.speedWarning(cpu("fpu avx2 avx512f amx_tile amx_int8")))
                .isEmpty();
    }

    /** TF Java 1.1's CPU natives register every op the int8 graph and the int8 ceiling build. */
    @Test
    void the_natives_register_the_quantized_ops() {
        assertThat(Int8Support.missingOps()).isEmpty();
        assertThat(Int8Support.missingOps(true)).isEmpty();
    }
}
