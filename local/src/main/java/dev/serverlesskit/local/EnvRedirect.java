package dev.serverlesskit.local;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a class file so that its calls to {@code java.lang.System.getenv(...)} call the same static method of
 * {@link dev.serverlesskit.local.shim.FunctionEnvironment} instead. Only the constant pool changes: a new class
 * constant is appended and the {@code getenv} method references point to it. Bytecode, stack maps and every other
 * index stay as they were, so no bytecode library is needed. A class without such a call is returned unchanged.
 */
final class EnvRedirect {
    static final String SHIM = "dev/serverlesskit/local/shim/FunctionEnvironment";

    private EnvRedirect() {
    }

    static byte[] rewrite(byte[] classFile) {
        ByteBuffer in = ByteBuffer.wrap(classFile);
        if (in.getInt() != 0xCAFEBABE) {
            return classFile;
        }
        in.getInt(); // minor, major
        int count = in.getShort() & 0xFFFF;
        int[] tags = new int[count];
        int[] offsets = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.get() & 0xFF;
            tags[i] = tag;
            offsets[i] = in.position();
            switch (tag) {
                case 1 -> in.position(in.position() + 2 + (in.getShort(in.position()) & 0xFFFF));
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.position(in.position() + 4);
                case 5, 6 -> {
                    in.position(in.position() + 8);
                    i++;
                }
                case 7, 8, 16, 19, 20 -> in.position(in.position() + 2);
                case 15 -> in.position(in.position() + 3);
                default -> throw new IllegalArgumentException("unknown constant pool tag " + tag);
            }
        }
        int poolEnd = in.position();
        List<Integer> getenvRefs = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            if (tags[i] != 10) {
                continue;
            }
            int classIndex = in.getShort(offsets[i]) & 0xFFFF;
            int nameAndType = in.getShort(offsets[i] + 2) & 0xFFFF;
            String owner = utf8(in, offsets, in.getShort(offsets[classIndex]) & 0xFFFF);
            String name = utf8(in, offsets, in.getShort(offsets[nameAndType]) & 0xFFFF);
            if ("java/lang/System".equals(owner) && "getenv".equals(name)) {
                getenvRefs.add(i);
            }
        }
        if (getenvRefs.isEmpty()) {
            return classFile;
        }
        if (count + 2 > 0xFFFF) {
            throw new IllegalStateException("constant pool full: cannot redirect System.getenv");
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(classFile.length + 64);
            DataOutputStream out = new DataOutputStream(bytes);
            byte[] copy = classFile.clone();
            int utf8Index = count;
            int classIndex = count + 1;
            for (int ref : getenvRefs) {
                copy[offsets[ref]] = (byte) (classIndex >> 8);
                copy[offsets[ref] + 1] = (byte) classIndex;
            }
            out.write(copy, 0, 8);
            out.writeShort(count + 2);
            out.write(copy, 10, poolEnd - 10);
            out.writeByte(1);
            out.writeUTF(SHIM);
            out.writeByte(7);
            out.writeShort(utf8Index);
            out.write(copy, poolEnd, copy.length - poolEnd);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Utf8 constant at {@code index} ({@code offsets} point just after each entry's tag). */
    private static String utf8(ByteBuffer in, int[] offsets, int index) {
        int offset = offsets[index];
        int length = in.getShort(offset) & 0xFFFF;
        return new String(in.array(), offset + 2, length, StandardCharsets.UTF_8);
    }
}
