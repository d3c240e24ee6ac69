package io.matrixone.cdc.source;

/** The connector version, from the jar manifest when packaged. */
final class Version {

    /** Read once: every record's source block carries it, and the manifest lookup costs a map lookup each time. */
    private static final String VERSION = read();

    private Version() {
    }

    static String get() {
        return VERSION;
    }

    private static String read() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0-SNAPSHOT" : version;
    }
}
