package io.matrixone.cdc.common;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers task metrics as {@code io.matrixone.cdc:type=<type>,connector=<name>,task=<id>}. */
public final class Jmx {

    private static final Logger LOG = LoggerFactory.getLogger(Jmx.class);

    private Jmx() {
    }

    /** Registers {@code mbean}, replacing a leftover of a previous task with the same name; null if JMX refused. */
    public static ObjectName register(Object mbean, String type, String connector, String task) {
        try {
            ObjectName name = new ObjectName("io.matrixone.cdc:type=" + type + ",connector=" + ObjectName.quote(connector)
                    + ",task=" + ObjectName.quote(task));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(mbean, name);
            return name;
        } catch (JMException e) {
            LOG.warn("Metrics {} not registered in JMX: {}", type, e.getMessage());
            return null;
        }
    }

    public static void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            LOG.debug("{} already unregistered", name, e);
        }
    }
}
