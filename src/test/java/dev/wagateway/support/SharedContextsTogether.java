package dev.wagateway.support;

import java.util.Arrays;
import java.util.Comparator;

import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs the classes of each shared application context one after the other ({@link SharedGatewayTest}'s, then
 * {@link SignedGatewayTest}'s, then the classes with a nested {@link NoAdminKeyGatewayTest}, that one first in
 * each), the rest after them in the order they came. Spring's context cache holds a few contexts only
 * (spring.properties): in the packages' order the shared ones would be evicted by the classes with contexts of their
 * own between them and booted again. Set as the default in junit-platform.properties.
 */
public class SharedContextsTogether implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        // List.sort is stable: within a group the classes keep the order they came in.
        context.getClassDescriptors().sort(Comparator.<ClassDescriptor>comparingInt(SharedContextsTogether::group));
    }

    private static int group(ClassDescriptor descriptor) {
        Class<?> type = descriptor.getTestClass();
        if (SharedGatewayTest.class.isAssignableFrom(type)) {
            return SignedGatewayTest.class.isAssignableFrom(type) ? 1 : 0;
        }
        if (NoAdminKeyGatewayTest.class.isAssignableFrom(type)
                || Arrays.stream(type.getDeclaredClasses()).anyMatch(NoAdminKeyGatewayTest.class::isAssignableFrom)) {
            return 2;
        }
        return 3;
    }
}
