/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.bench.result.ResultWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultWriterTest {

    @Test
    void atomic_writes_leave_only_the_file_with_an_ordinary_files_permissions(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run.json");
        ResultWriter.writeAtomically(out, "{}");
        ResultWriter.writeAtomically(out, "{\"a\":1}");
        Path probe = Files.createFile(dir.resolve("probe"));
        assertThat(Files.readString(out)).isEqualTo("{\"a\":1}");
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(probe));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("run.json", "probe");
        }
    }
}
