package io.fednode.anonymiser.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrivateBlocksTest {
    private final PrivateBlocks blocks = new PrivateBlocks(SafePrivateTable.standard());

    private static byte[] lo(String s) {
        return (s.length() % 2 == 1 ? s + " " : s).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void onlyCreatorElementsOfOddGroupsReserveBlocks() {
        assertThat(PrivateBlocks.isCreator(0x00190010)).isTrue();
        assertThat(PrivateBlocks.isCreator(0x001900FF)).isTrue();
        assertThat(PrivateBlocks.isCreator(0x0019000F)).isFalse();
        assertThat(PrivateBlocks.isCreator(0x00191010)).isFalse();
        assertThat(PrivateBlocks.isCreator(0x00180010)).isFalse();
    }

    @Test
    void anElementIsSafeThroughTheCreatorOfItsOwnBlock() {
        blocks.creator(0x00190010, "LO", lo("GEMS_ACQU_01"));
        blocks.creator(0x00190011, "LO", lo("SIEMENS MR HEADER"));
        blocks.creator(0x00190012, "LO", lo("ACME OTHER VENDOR"));
        assertThat(blocks.safeEntry(0x00191023).creator()).isEqualTo("GEMS_ACQU_01");
        assertThat(blocks.safeEntry(0x0019110C).creator()).isEqualTo("SIEMENS MR HEADER");
        assertThat(blocks.safeEntry(0x00191123)).isNull(); // 23 is GE's, not Siemens'
        assertThat(blocks.safeEntry(0x00191223)).isNull(); // same byte, another creator
        assertThat(blocks.safeEntry(0x0019120C)).isNull();
        assertThat(blocks.safeEntry(0x00191323)).isNull(); // block without a creator
        assertThat(blocks.safeEntry(0x00190123)).isNull(); // not a private block
        assertThat(blocks.safeEntry(0x00211023)).isNull(); // another group
    }

    @Test
    void blocksCanMoveAndTheFirstCreatorOfABlockCounts() {
        blocks.creator(0x00190042, "UN", lo("GEMS_ACQU_01\0"));
        blocks.creator(0x00190042, "LO", lo("SOMEONE ELSE"));
        assertThat(blocks.safeEntry(0x00194223)).isNotNull();
        assertThat(blocks.safeEntry(0x00191023)).isNull();
    }

    @Test
    void onlyBlocksWithAKeptElementHaveTheirCreatorWritten() {
        blocks.creator(0x00190010, "LO", lo("GEMS_ACQU_01"));
        blocks.creator(0x00190011, "LO", lo("SIEMENS MR HEADER"));
        blocks.creator(0x00190012, "LO", lo("ACME OTHER VENDOR"));
        blocks.kept(0x0019110C);
        assertThat(blocks.keptBlocks()).containsExactly(0x11);
        assertThat(blocks.creatorVr(0x11)).isEqualTo("LO");
        assertThat(new String(blocks.creatorValue(0x11), StandardCharsets.ISO_8859_1))
                .isEqualTo("SIEMENS MR HEADER ");
    }

    @Test
    void aNewGroupForgetsTheCreatorsOfTheLastOne() {
        blocks.creator(0x00190010, "LO", lo("GEMS_ACQU_01"));
        blocks.kept(0x00191023);
        assertThat(blocks.endedBefore(0x00191023)).isFalse();
        assertThat(blocks.endedBefore(0x00200010)).isTrue();
        blocks.creator(0x00990010, "LO", lo("NQHeader"));
        assertThat(blocks.group()).isEqualTo(0x0099);
        assertThat(blocks.keptBlocks()).isEmpty();
        assertThat(blocks.safeEntry(0x00991002)).isNotNull();
        assertThat(blocks.safeEntry(0x00191023)).isNull();
        blocks.clear();
        assertThat(blocks.group()).isEqualTo(-1);
        assertThat(blocks.endedBefore(0x00200010)).isFalse();
    }
}
