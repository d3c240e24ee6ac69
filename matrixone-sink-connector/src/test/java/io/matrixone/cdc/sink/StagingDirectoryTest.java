package io.matrixone.cdc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingDirectoryTest {

    @TempDir
    Path parent;

    @Test
    void aDirectoryDeletedUnderALiveTaskIsMadeAgainPrivateAtTheSamePath() throws IOException {
        try (StagingDirectory directory = StagingDirectory.create(parent)) {
            Path path = directory.path();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rwx------");
            Files.delete(path); // a /tmp cleaner, or another task's clean-up of an idle, empty directory

            Path file = directory.newFile();

            assertThat(file.getParent()).isEqualTo(path);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rwx------");
        }
    }

    @Test
    void aDirectoryReplacedByOneOthersMayReadIsNotWrittenTo() throws IOException {
        try (StagingDirectory directory = StagingDirectory.create(parent)) {
            Path path = directory.path();
            Files.delete(path);
            Files.createDirectory(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

            assertThatThrownBy(directory::newFile).isInstanceOf(IOException.class).hasMessageContaining("private directory");
            try (var files = Files.list(path)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void onlyEmptyStagingDirectoriesUntouchedForAnHourAreRemoved() throws IOException {
        Instant twoHoursAgo = Instant.now().minusSeconds(7200);
        Path abandoned = oldDirectory(StagingDirectory.PREFIX + "killed", twoHoursAgo);
        Path withFile = oldDirectory(StagingDirectory.PREFIX + "with-file", twoHoursAgo);
        Files.createFile(withFile.resolve("rows-1.csv"));
        Files.setLastModifiedTime(withFile, FileTime.from(twoHoursAgo));
        Path recent = Files.createDirectory(parent.resolve(StagingDirectory.PREFIX + "recent"));
        Path other = oldDirectory("someone-elses-dir", twoHoursAgo);
        Path link = Files.createSymbolicLink(parent.resolve(StagingDirectory.PREFIX + "link"), other);

        try (StagingDirectory created = StagingDirectory.create(parent)) {
            assertThat(abandoned).doesNotExist();
            assertThat(withFile.resolve("rows-1.csv")).exists();
            assertThat(recent).exists();
            assertThat(other).exists();
            assertThat(link).exists();
            assertThat(created.path()).exists();
        }
    }

    @Test
    void closingDeletesTheDirectoryAndItsFiles() throws IOException {
        StagingDirectory directory = StagingDirectory.create(parent);
        directory.newFile();
        directory.close();
        assertThat(directory.path()).doesNotExist();
    }

    private Path oldDirectory(String name, Instant modified) throws IOException {
        Path dir = Files.createDirectory(parent.resolve(name));
        Files.setLastModifiedTime(dir, FileTime.from(modified));
        return dir;
    }
}
