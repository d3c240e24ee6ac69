package io.matrixone.cdc.sink;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink task's private directory for the files its LOAD DATA LOCAL statements send ({@link StagedUpserts}): the only
 * directory the driver lets the server read from, readable by this user alone, emptied after each batch and deleted
 * when the task stops.
 *
 * <p>Two things outside the task can take it away, and neither may stop staging: a worker killed without a stop leaves
 * its tasks' empty directories behind, which each new task deletes once they have been untouched for
 * {@link #ABANDONED_AFTER}; and a /tmp cleaner (systemd-tmpfiles) or such a clean-up may delete the directory of a
 * live task that was idle that long, so a task whose directory is gone makes it again, at the same path (the one its
 * connections allow).
 */
final class StagingDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StagingDirectory.class);
    static final String PREFIX = "mo-cdc-sink-stage-";
    /** An empty staging directory untouched this long belongs to no running task, or to one that makes it again. */
    static final Duration ABANDONED_AFTER = Duration.ofHours(1);
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_ATTRIBUTE = PosixFilePermissions.asFileAttribute(PRIVATE);

    private final Path path;
    /** Who made the directory: this worker's user, as the file system names it. */
    private final UserPrincipal owner;

    private StagingDirectory(Path path) throws IOException {
        this.path = path;
        this.owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** A new private directory in {@code parent}, after deleting the abandoned ones there. */
    static StagingDirectory create(Path parent) throws IOException {
        removeAbandoned(parent, Instant.now().minus(ABANDONED_AFTER));
        return new StagingDirectory(Files.createTempDirectory(parent, PREFIX, PRIVATE_ATTRIBUTE));
    }

    /**
     * Deletes the staging directories in {@code parent} that are empty and were last changed before {@code before}.
     * A directory that is not empty, not this user's, or a link is left alone; so is one that cannot be read.
     */
    static void removeAbandoned(Path parent, Instant before) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path dir : dirs) {
                try {
                    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)) {
                        Files.delete(dir); // refused for a directory that is not empty, or not ours
                        LOG.debug("Deleted the abandoned staging directory {}", dir);
                    }
                } catch (IOException e) {
                    LOG.debug("Left {} alone: {}", dir, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot look for abandoned staging directories in {}: {}", parent, e.toString());
        }
    }

    Path path() {
        return path;
    }

    /** A new empty file in the directory, which is made again first if it is gone. */
    Path newFile() throws IOException {
        makeAgainOrCheck();
        return Files.createTempFile(path, "rows-", ".csv");
    }

    /**
     * Makes the directory again, private, if it is gone; otherwise whatever is at the path must still be a directory of
     * this user's that only this user may read (a directory put in its place could hand the rows to another user). One
     * look at its attributes per file, against one LOAD DATA of many rows.
     */
    private void makeAgainOrCheck() throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            Files.createDirectory(path, PRIVATE_ATTRIBUTE); // fails if something else got there first
            LOG.info("Made the staging directory {} again: something deleted it", path);
            return;
        }
        if (!attributes.isDirectory() || !attributes.permissions().equals(PRIVATE) || !attributes.owner().equals(owner)) {
            throw new IOException(path + " is no longer this user's private directory");
        }
    }

    /** Deletes the directory and any file left in it. */
    @Override
    public void close() {
        try (var files = Files.list(path)) {
            files.forEach(StagingDirectory::deleteQuietly);
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", path, e);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", file, e);
        }
    }
}
