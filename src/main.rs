fn main() {
    hovor::mount();
}
