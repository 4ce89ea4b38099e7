package dev.serverlesskit.local;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * SnapStart's known hazard, found by running init twice: with SnapStart every environment is restored from one
 * snapshot taken after init, so whatever init computed is shared by all of them. A value of the function's own code
 * (the handler, the objects of its own package it holds, their static fields) that comes out different from two
 * independent inits (a UUID, a timestamp, a random number) is one every environment would share; a
 * {@code java.util.Random} held there replays the same sequence in each. Library objects (SDK clients...) are not
 * looked into; {@code SecureRandom} is left alone (Lambda's Java runtime reseeds it on restore).
 */
final class SnapStartCheck {
    private static final int MAX_DEPTH = 4;

    private SnapStartCheck() {
    }

    /** What differs between two handlers built by independent inits (each from its own class loader). */
    static List<String> hazards(Object first, Object second) {
        String own = ownPrefix(first.getClass().getName());
        List<String> out = new ArrayList<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        compare(first, second, first.getClass().getSimpleName(), own, 0, seen, out, true);
        return out;
    }

    /** The function's own code: its handler's top two package levels (e.g. {@code dev.serverlesskit.}). */
    static String ownPrefix(String className) {
        String[] parts = className.split("\\.");
        return parts.length > 2 ? parts[0] + "." + parts[1] + "." : className;
    }

    private static void compare(Object a, Object b, String path, String own, int depth, Set<Object> seen,
                                List<String> out, boolean withStatics) {
        if (!seen.add(a)) {
            return;
        }
        for (Class<?> k = a.getClass(); k != null && k.getName().startsWith(own); k = k.getSuperclass()) {
            Class<?> kb = b.getClass();
            while (kb != null && !kb.getName().equals(k.getName())) {
                kb = kb.getSuperclass();
            }
            if (kb == null) {
                return;
            }
            for (Field f : k.getDeclaredFields()) {
                boolean isStatic = Modifier.isStatic(f.getModifiers());
                if (f.isSynthetic() || isStatic && !withStatics) {
                    continue;
                }
                Object va;
                Object vb;
                try {
                    Field fb = kb.getDeclaredField(f.getName());
                    f.setAccessible(true);
                    fb.setAccessible(true);
                    va = f.get(isStatic ? null : a);
                    vb = fb.get(isStatic ? null : b);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue; // not readable: nothing to say about it
                }
                String p = (isStatic ? k.getSimpleName() : path) + "." + f.getName();
                check(va, vb, p, own, depth, seen, out);
            }
        }
    }

    private static void check(Object va, Object vb, String path, String own, int depth, Set<Object> seen,
                              List<String> out) {
        if (va == null || vb == null) {
            if ((va == null) != (vb == null)) {
                out.add(path + " is set by one init and not by the other");
            }
            return;
        }
        if (va instanceof Random && !(va instanceof SecureRandom)) {
            out.add(path + " holds a java.util.Random created at init: every restored environment replays the same"
                    + " sequence");
        } else if (leaf(va)) {
            if (!same(va, vb)) {
                out.add(path + " differs between two inits (" + shorten(va) + " / " + shorten(vb) + "): every"
                        + " environment restored from the snapshot would share one value");
            }
        } else if (va.getClass().getName().startsWith(own) && depth < MAX_DEPTH) {
            compare(va, vb, path, own, depth + 1, seen, out, false);
        }
    }

    private static boolean leaf(Object v) {
        return v instanceof CharSequence || v instanceof Number || v instanceof Boolean || v instanceof Character
                || v instanceof java.util.UUID || v instanceof Enum<?> || v.getClass().isArray()
                || v.getClass().getName().startsWith("java.time.");
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Enum<?> ea && b instanceof Enum<?> eb) {
            return ea.name().equals(eb.name());
        }
        if (a.getClass().isArray()) {
            return Objects.deepEquals(a, b);
        }
        return a.toString().equals(b.toString()); // Atomic* numbers have identity equality
    }

    private static String shorten(Object v) {
        String s = v.getClass().isArray() ? v.getClass().getComponentType() + "[]" : String.valueOf(v);
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
